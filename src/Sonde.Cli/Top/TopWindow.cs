namespace Sonde.Cli.Top;

/// <summary>
/// What the aggregator saw in one refresh window, with the since-start times: entries, the labels their ids point at,
/// each thread's state (running, or the system call it waits in; null when not seen in the window), how many threads ran or only waited, and how many samples held the GIL.
/// </summary>
internal sealed record TopWindow(
    IReadOnlyList<TopEntry> Entries,
    IReadOnlyList<string> FunctionLabels,
    IReadOnlyList<string> ThreadLabels,
    IReadOnlyList<string?> ThreadStates,
    int ActiveThreads,
    int IdleThreads,
    long GilSamples);
