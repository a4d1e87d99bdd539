using System.Data.Common;
using Npgsql;

namespace Sonde.Store.Tests;

/// <summary>
/// Fresh, empty stores of either kind: a SQLite file in a new temporary directory, or a new database on a real
/// PostgreSQL server that the fixture starts on first use and stops at the end.
/// </summary>
public sealed class StoreBackends : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<string> _directories = [];
    private PostgresServer? _postgres;

    public static TheoryData<string> Kinds => new("sqlite", "postgresql");

    public StoreLocation Fresh(string kind)
    {
        if (kind == "sqlite")
        {
            var directory = Path.Combine(Path.GetTempPath(), "sonde-store-test-" + Guid.NewGuid().ToString("N")[..8]);
            lock (_lock) _directories.Add(directory);
            return StoreLocation.Resolve(directory);
        }
        var server = Postgres;
        var database = "t" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(PostgresUrl.ToConnectionString(server.Url())))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = $"CREATE DATABASE {database}";
            create.ExecuteNonQuery();
        }
        return StoreLocation.Resolve(server.Url(database));
    }

    public PostgresServer Postgres
    {
        get
        {
            lock (_lock) return _postgres ??= PostgresServer.Start();
        }
    }

    /// <summary>Runs SQL on the store directly, bypassing <see cref="ProfileStore"/>, to tamper with or inspect it.</summary>
    public static object? Scalar(StoreLocation location, string sql)
    {
        StoreDialect dialect = location.Kind == StoreKind.Postgres ? new PostgresDialect(location.Target, location.Display) : new SqliteDialect(location.Target);
        using DbConnection connection = dialect.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        _postgres?.Dispose();
        foreach (var directory in _directories)
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }
}
