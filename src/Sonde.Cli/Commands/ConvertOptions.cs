namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde convert` was asked to do, bound from the command line.</summary>
internal sealed record ConvertOptions(
    string Input, string Output, string? Format, string? Weight, bool Threads, bool Lines, double? NodeThreshold = null, double? EdgeThreshold = null, string? Store = null);
