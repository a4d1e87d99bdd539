namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde view` was asked to do, bound from the command line.</summary>
internal sealed record ViewOptions(string File, string? Base, int Port, bool Open, string? Host, string? Store = null);
