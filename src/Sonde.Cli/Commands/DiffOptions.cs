namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde diff` was asked to do, bound from the command line.</summary>
internal sealed record DiffOptions(string Base, string New, string? Output, bool Json, string? Weight, double FalseDiscoveryRate, int Limit);
