namespace Sonde.Agent;

/// <summary>Hits and time of one line of a function chosen with <c>--lines</c>, in one thread.</summary>
public readonly record struct TracedLine(TracedLineFunction Function, int Line, long Hits, long TimeNs);
