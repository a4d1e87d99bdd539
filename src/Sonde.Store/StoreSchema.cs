namespace Sonde.Store;

/// <summary>
/// The store's schema as numbered migrations, the same for SQLite and PostgreSQL. A store records the highest
/// migration applied in <c>sonde_schema</c>; a Sonde refuses a store whose number is higher than it knows.
/// Migrations are append-only: never edit one that has shipped, add the next.
/// </summary>
internal static class StoreSchema
{
    public const string VersionTable = "sonde_schema";

    /// <summary>Each migration's statements; <c>{id}</c> and <c>{blob}</c> stand for the dialect's types.</summary>
    private static readonly string[][] _migrations =
    [
        // 1: recordings with their summary columns and the profile as .sonde bytes.
        [
            """
            CREATE TABLE sonde_recordings (
                id {id},
                name TEXT,
                saved_at_ms BIGINT NOT NULL,
                started_at_ms BIGINT NOT NULL,
                command TEXT,
                mode TEXT NOT NULL,
                duration_seconds DOUBLE PRECISION NOT NULL,
                samples BIGINT NOT NULL,
                git_commit TEXT,
                top_function TEXT,
                top_share DOUBLE PRECISION,
                python_version TEXT,
                host TEXT,
                pid INTEGER,
                profile_bytes BIGINT NOT NULL,
                profile {blob} NOT NULL
            )
            """,
            "CREATE INDEX sonde_recordings_name ON sonde_recordings (name, id)",
        ],
        // 2: finding a commit's recordings quickly.
        [
            "CREATE INDEX sonde_recordings_git_commit ON sonde_recordings (git_commit, id)",
        ],
    ];

    public static int Latest => _migrations.Length;

    public static IReadOnlyList<string> Statements(int version, StoreDialect dialect) =>
        _migrations[version - 1].Select(sql => sql.Replace("{id}", dialect.IdColumn).Replace("{blob}", dialect.BlobType)).ToArray();
}
