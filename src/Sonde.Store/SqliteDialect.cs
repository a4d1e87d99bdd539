using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Sonde.Store;

/// <summary>
/// One SQLite file. Write-ahead logging lets readers go on while one process writes; writers queue on the file lock
/// (each write transaction starts IMMEDIATE and waits up to a minute), so several processes saving at once lose nothing.
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    private static readonly Lock _initLock = new();
    private static bool _initialized;
    private readonly string _path;
    private readonly string _connectionString;

    public SqliteDialect(string path)
    {
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = 60,
            Pooling = false,
        }.ToString();
    }

    public override string IdColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public override string BlobType => "BLOB";

    public override DbConnection Open()
    {
        EnsureProvider();
        try
        {
            var directory = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"can't create the history store's directory for '{_path}': {e.Message}; set SONDE_STORE or --store to a writable place, or use --no-store", e);
        }
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 60000");
            // Both only take effect on a new database (auto_vacuum) or persist once set (WAL); cheap to repeat.
            Execute(connection, "PRAGMA auto_vacuum = INCREMENTAL");
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "PRAGMA synchronous = NORMAL");
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Describe(e, "open");
        }
    }

    public override bool TableExists(DbConnection connection, DbTransaction? transaction, string table)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.Add(new SqliteParameter("$name", table));
        return Convert.ToInt64(command.ExecuteScalar()) > 0;
    }

    public override DbTransaction BeginExclusive(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override void Reclaim(DbConnection connection) => Execute((SqliteConnection)connection, "PRAGMA incremental_vacuum");

    public override StoreException Describe(Exception error, string action)
    {
        var detail = error is SqliteException sqlite ? $"{sqlite.Message.TrimEnd('.')}" : error.Message;
        var advice = error is SqliteException { SqliteErrorCode: 26 } // SQLITE_NOTADB
            ? "the file is not a Sonde history; point SONDE_STORE or --store elsewhere"
            : "check the path and its permissions, point SONDE_STORE or --store elsewhere, or use --no-store";
        return new StoreException($"can't {action} the history store '{_path}': {detail.ReplaceLineEndings(" ")}; {advice}", error);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void EnsureProvider()
    {
        lock (_initLock)
        {
            if (_initialized) return;
            SQLitePCL.Batteries_V2.Init();
            _initialized = true;
        }
    }
}
