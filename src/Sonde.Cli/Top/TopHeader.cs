namespace Sonde.Cli.Top;

/// <summary>The figures above the table, for one refresh window. Percentages are null when unknown (process gone, no ticks).</summary>
internal sealed record TopHeader(
    string Target,
    TimeSpan Elapsed,
    double? CpuPercent,
    long? RssBytes,
    int ActiveThreads,
    int IdleThreads,
    double? GilPercent,
    double SamplesPerSecond,
    long Errors,
    int Processes);
