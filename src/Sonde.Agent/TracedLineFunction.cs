using Sonde.Profiles;

namespace Sonde.Agent;

/// <summary>
/// A function chosen with <c>--lines</c> that ran: which patterns chose it, and its source from its first line
/// (<see cref="FunctionKey.FirstLine"/>) to its last, as the process saw it.
/// </summary>
public sealed record TracedLineFunction(FunctionKey Function, IReadOnlyList<int> PatternIndexes, IReadOnlyList<string> Source);
