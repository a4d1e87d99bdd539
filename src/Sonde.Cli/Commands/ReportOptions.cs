namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde report` was asked to do, bound from the command line.</summary>
internal sealed record ReportOptions(
    IReadOnlyList<string> Files,
    string Sort,
    int? Limit,
    string? Filter,
    bool StripDirs,
    string? Callers,
    string? Callees,
    bool Tree,
    bool ShowAll,
    double MinPercent,
    bool Lines,
    long? Thread,
    bool Json,
    string? Metric = null,
    string? Store = null);
