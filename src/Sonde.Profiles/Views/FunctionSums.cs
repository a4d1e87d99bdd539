namespace Sonde.Profiles.Views;

/// <summary>
/// Per-function sums of one per-stack value: <see cref="Own"/>[i] and <see cref="Total"/>[i] belong to
/// <see cref="Functions"/>[i]. A function that recurses counts once per stack in its total.
/// </summary>
public sealed record FunctionSums<T>(IReadOnlyList<FunctionKey> Functions, T[] Own, T[] Total);
