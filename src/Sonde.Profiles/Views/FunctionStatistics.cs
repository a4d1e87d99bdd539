namespace Sonde.Profiles.Views;

/// <summary>Own and total weight of one function. A function that recurses counts once per sample in its total.</summary>
public sealed record FunctionStatistics(FunctionKey Function, long Own, long Total);
