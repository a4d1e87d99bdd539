namespace Sonde.Store;

public enum StoreKind
{
    Sqlite,
    Postgres,
}
