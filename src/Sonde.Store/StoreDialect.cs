using System.Data.Common;

namespace Sonde.Store;

/// <summary>What differs between SQLite and PostgreSQL; everything else (the SQL, the schema) is shared.</summary>
internal abstract class StoreDialect
{
    /// <summary>The type and constraints of an id column whose values are never reused after a delete.</summary>
    public abstract string IdColumn { get; }

    public abstract string BlobType { get; }

    /// <summary>Opens a connection, or throws a <see cref="StoreException"/> that says why it can't.</summary>
    public abstract DbConnection Open();

    public abstract bool TableExists(DbConnection connection, DbTransaction? transaction, string table);

    /// <summary>
    /// Starts a transaction that holds the store's write lock until it ends, so that two processes migrating at once
    /// take turns instead of both creating the same table.
    /// </summary>
    public abstract DbTransaction BeginExclusive(DbConnection connection);

    /// <summary>Gives space freed by deleted recordings back to the file system, where that is needed.</summary>
    public virtual void Reclaim(DbConnection connection)
    {
    }

    /// <summary>Turns a driver's error into one line for the user that says what to do next.</summary>
    public abstract StoreException Describe(Exception error, string action);
}
