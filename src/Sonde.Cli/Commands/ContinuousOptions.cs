namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde agent` was asked to do, bound from the command line.</summary>
internal sealed record ContinuousOptions(
    int? Pid,
    string? Match,
    string Every,
    string? Push,
    bool Store,
    string? StoreLocation,
    string Name,
    IReadOnlyList<string> Labels,
    double Rate,
    string? Spool,
    string SpoolMax);
