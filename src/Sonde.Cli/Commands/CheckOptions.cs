namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde check` was asked to do, bound from the command line.</summary>
internal sealed record CheckOptions(
    string New,
    string? Baseline,
    double MaxRegression,
    IReadOnlyList<string> Functions,
    bool Total,
    double MinChange,
    string? Weight,
    double FalseDiscoveryRate,
    string? Markdown,
    string? JUnit);
