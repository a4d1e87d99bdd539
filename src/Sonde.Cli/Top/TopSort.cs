namespace Sonde.Cli.Top;

/// <summary>The table's columns, in the order the keys 1-4 choose them.</summary>
internal enum TopSort
{
    OwnPercent,
    TotalPercent,
    OwnTime,
    TotalTime,
}
