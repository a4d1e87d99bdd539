namespace Sonde.Profiles.Diff;

/// <summary>How one function's own and total value changed between BASE and NEW.</summary>
public sealed record FunctionDiff(FunctionKey Function, Change Own, Change Total);
