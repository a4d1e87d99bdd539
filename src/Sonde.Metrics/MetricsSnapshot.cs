namespace Sonde.Metrics;

/// <summary>Everything one scrape or export reports, read at one moment.</summary>
public sealed record MetricsSnapshot(
    int ProcessId,
    string PythonVersion,
    ProcessStats Process,
    long Ticks,
    long Errors,
    long RunningSamples,
    long IdleSamples,
    long GilHeldTicks,
    double GilHeldRatio,
    IReadOnlyList<FunctionShare> TopFunctions);
