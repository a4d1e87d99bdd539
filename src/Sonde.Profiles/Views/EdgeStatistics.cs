namespace Sonde.Profiles.Views;

/// <summary>
/// Weight of the samples in which <see cref="Caller"/> called <see cref="Callee"/> directly: <see cref="Own"/>
/// when the callee was the innermost frame, <see cref="Total"/> when the pair was anywhere on the stack.
/// </summary>
public sealed record EdgeStatistics(FunctionKey Caller, FunctionKey Callee, long Own, long Total);
