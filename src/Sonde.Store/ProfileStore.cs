using System.Data.Common;
using Sonde.Formats;
using Sonde.Formats.Native;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Views;

namespace Sonde.Store;

/// <summary>
/// The profile history: each recording as its .sonde bytes plus summary columns to list and find it by. Every
/// operation opens its own connection and commits before it returns, so a crash never leaves half a recording, and
/// writers in several processes queue on the database's lock rather than overwrite each other.
/// </summary>
public sealed class ProfileStore
{
    private const string Columns =
        "id, name, saved_at_ms, started_at_ms, command, mode, duration_seconds, samples, git_commit, top_function, top_share, python_version, host, pid, profile_bytes";

    private readonly StoreDialect _dialect;
    private readonly RetentionPolicy _retention;

    private ProfileStore(StoreLocation location, StoreDialect dialect, RetentionPolicy retention)
    {
        Location = location;
        _dialect = dialect;
        _retention = retention;
    }

    public StoreLocation Location { get; }

    /// <summary>Opens the store, creating or migrating its schema when needed.</summary>
    /// <exception cref="StoreException">The store can't be reached, or its schema is newer than this Sonde.</exception>
    public static ProfileStore Open(StoreLocation location, RetentionPolicy? retention = null) =>
        Open(location, retention ?? RetentionPolicy.FromEnvironment(), StoreSchema.Latest);

    /// <summary>Opens with the schema migrated only up to <paramref name="schemaVersion"/>: tests use it to make old stores.</summary>
    internal static ProfileStore Open(StoreLocation location, RetentionPolicy retention, int schemaVersion)
    {
        StoreDialect dialect = location.Kind == StoreKind.Postgres
            ? new PostgresDialect(location.Target, location.Display)
            : new SqliteDialect(location.Target);
        var store = new ProfileStore(location, dialect, retention);
        store.Use("open", connection => store.Migrate(connection, schemaVersion));
        return store;
    }

    /// <summary>Saves a profile and applies the retention policy; returns the new recording's id.</summary>
    public long Save(Profile profile, string? name = null)
    {
        if (name is not null) ProfileReference.ValidateName(name);
        var bytes = Serialize(profile);
        var metadata = profile.Metadata;
        var top = TopFunction(profile);
        return Use("save to", connection =>
        {
            long id;
            using (var transaction = _dialect.BeginExclusive(connection))
            {
                using var command = Command(connection, transaction,
                    "INSERT INTO sonde_recordings (name, saved_at_ms, started_at_ms, command, mode, duration_seconds, samples, git_commit, " +
                    "top_function, top_share, python_version, host, pid, profile_bytes, profile) VALUES (@name, @saved, @started, @command, @mode, " +
                    "@duration, @samples, @git, @top, @share, @python, @host, @pid, @bytes, @profile) RETURNING id");
                Add(command, "name", name);
                Add(command, "saved", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                Add(command, "started", (metadata.StartTime == default ? DateTimeOffset.UtcNow : metadata.StartTime).ToUnixTimeMilliseconds());
                Add(command, "command", metadata.Command);
                Add(command, "mode", metadata.Mode.ToString().ToLowerInvariant());
                Add(command, "duration", metadata.Duration.TotalSeconds);
                Add(command, "samples", (long)profile.SampleCount);
                Add(command, "git", metadata.GitCommit);
                Add(command, "top", top?.Label);
                Add(command, "share", top?.Share);
                Add(command, "python", metadata.PythonVersion);
                Add(command, "host", metadata.Host);
                Add(command, "pid", metadata.ProcessId);
                Add(command, "bytes", (long)bytes.Length);
                Add(command, "profile", bytes);
                id = Convert.ToInt64(command.ExecuteScalar());
                transaction.Commit();
            }
            Prune(connection);
            return id;
        });
    }

    /// <summary>The newest recordings first.</summary>
    public IReadOnlyList<StoredRecording> List(int limit = int.MaxValue) => Use("read", connection =>
    {
        using var command = Command(connection, null, $"SELECT {Columns} FROM sonde_recordings ORDER BY id DESC LIMIT @limit");
        Add(command, "limit", (long)limit);
        return ReadRecordings(command);
    });

    public int Count() => Use("read", connection =>
    {
        using var command = Command(connection, null, "SELECT COUNT(*) FROM sonde_recordings");
        return Convert.ToInt32(command.ExecuteScalar());
    });

    /// <exception cref="BadInputException">No recording matches.</exception>
    public StoredRecording Find(ProfileReference reference) => Use("read", connection =>
    {
        using var command = Command(connection, null, reference switch
        {
            { Id: not null } => $"SELECT {Columns} FROM sonde_recordings WHERE id = @id",
            { Name: not null } => $"SELECT {Columns} FROM sonde_recordings WHERE name = @name ORDER BY id DESC LIMIT 1",
            _ => $"SELECT {Columns} FROM sonde_recordings ORDER BY id DESC LIMIT 1 OFFSET @back",
        });
        if (reference.Id is { } id) Add(command, "id", id);
        else if (reference.Name is { } name) Add(command, "name", name);
        else Add(command, "back", (long)reference.Back);
        return ReadRecordings(command).FirstOrDefault()
               ?? throw new BadInputException($"no recording {reference.Text.ReplaceLineEndings(" ")} in the history store {Location.Display}; 'sonde history' lists them");
    });

    /// <summary>The stored profile of a recording, read back through the .sonde reader.</summary>
    public Profile Load(StoredRecording recording)
    {
        var bytes = Use("read", connection =>
        {
            using var command = Command(connection, null, "SELECT profile FROM sonde_recordings WHERE id = @id");
            Add(command, "id", recording.Id);
            return command.ExecuteScalar() as byte[]
                   ?? throw new BadInputException($"recording @{recording.Id} was removed from the history store meanwhile; 'sonde history' lists what is left");
        });
        var display = $"@{recording.Id}";
        try
        {
            var profile = new NativeReader().Read(new MemoryStream(bytes, writable: false), display);
            profile.Metadata.Properties["source.format"] = "sonde";
            profile.Metadata.Properties["store.id"] = recording.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return profile;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or IOException)
        {
            throw new BadInputException($"recording {display} in the history store is damaged: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>Applies the retention policy now; returns how many recordings it removed.</summary>
    public int Prune() => Use("prune", Prune);

    private int Prune(DbConnection connection)
    {
        var doomed = new List<long>();
        using (var transaction = _dialect.BeginExclusive(connection))
        {
            using (var command = Command(connection, transaction, "SELECT id, profile_bytes FROM sonde_recordings ORDER BY id DESC"))
            using (var reader = command.ExecuteReader())
            {
                var kept = 0;
                var bytes = 0L;
                while (reader.Read())
                {
                    var id = reader.GetInt64(0);
                    var size = reader.GetInt64(1);
                    if (kept == 0 || (kept < _retention.KeepLast && bytes + size <= _retention.MaxBytes))
                    {
                        kept++;
                        bytes += size;
                    }
                    else doomed.Add(id);
                }
            }
            foreach (var chunk in doomed.Chunk(500))
            {
                using var delete = Command(connection, transaction, $"DELETE FROM sonde_recordings WHERE id IN ({string.Join(",", chunk)})");
                delete.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        if (doomed.Count > 0) _dialect.Reclaim(connection);
        return doomed.Count;
    }

    private int Migrate(DbConnection connection, int target)
    {
        if (Version(connection, null) is var current && current == target) return current;
        using var transaction = _dialect.BeginExclusive(connection);
        // Read again under the lock: another process may have migrated while this one waited.
        current = Version(connection, transaction);
        if (current > StoreSchema.Latest)
            throw new StoreException(
                $"the history store {Location.Display} has schema version {current}, newer than this Sonde knows ({StoreSchema.Latest}); " +
                "upgrade Sonde, or point SONDE_STORE or --store at another store");
        if (!_dialect.TableExists(connection, transaction, StoreSchema.VersionTable))
            Execute(connection, transaction, $"CREATE TABLE {StoreSchema.VersionTable} (version INTEGER NOT NULL)");
        for (var version = current + 1; version <= target; version++)
        {
            foreach (var sql in StoreSchema.Statements(version, _dialect)) Execute(connection, transaction, sql);
            Execute(connection, transaction, $"INSERT INTO {StoreSchema.VersionTable} (version) VALUES ({version})");
        }
        transaction.Commit();
        return target;
    }

    private int Version(DbConnection connection, DbTransaction? transaction)
    {
        if (!_dialect.TableExists(connection, transaction, StoreSchema.VersionTable)) return 0;
        using var command = Command(connection, transaction, $"SELECT MAX(version) FROM {StoreSchema.VersionTable}");
        var value = command.ExecuteScalar();
        var version = value is null or DBNull ? 0 : Convert.ToInt32(value);
        if (version > StoreSchema.Latest && transaction is null)
            throw new StoreException(
                $"the history store {Location.Display} has schema version {version}, newer than this Sonde knows ({StoreSchema.Latest}); " +
                "upgrade Sonde, or point SONDE_STORE or --store at another store");
        return version;
    }

    private T Use<T>(string action, Func<DbConnection, T> work)
    {
        try
        {
            using var connection = _dialect.Open();
            return work(connection);
        }
        catch (DbException e)
        {
            throw _dialect.Describe(e, action);
        }
    }

    private static byte[] Serialize(Profile profile)
    {
        using var buffer = new MemoryStream();
        new NativeWriter().Write(profile, buffer, WriteOptions.Default);
        return buffer.ToArray();
    }

    private static (string Label, double Share)? TopFunction(Profile profile)
    {
        if (profile.WeightTypes.Count == 0) return null;
        var total = profile.TotalWeight();
        FunctionStatistics? best = null;
        foreach (var function in FunctionTable.Build(profile))
            if (best is null || function.Own > best.Own) best = function;
        return best is null || total <= 0 ? null : (best.Function.Label, (double)best.Own / total);
    }

    private static List<StoredRecording> ReadRecordings(DbCommand command)
    {
        var result = new List<StoredRecording>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(new StoredRecording(
                reader.GetInt64(0),
                Text(reader, 1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                Text(reader, 4),
                reader.GetString(5),
                reader.GetDouble(6),
                reader.GetInt64(7),
                Text(reader, 8),
                Text(reader, 9),
                reader.IsDBNull(10) ? null : reader.GetDouble(10),
                Text(reader, 11),
                Text(reader, 12),
                reader.IsDBNull(13) ? null : reader.GetInt32(13),
                reader.GetInt64(14)));
        }
        return result;
    }

    private static string? Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 60;
        return command;
    }

    private static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
