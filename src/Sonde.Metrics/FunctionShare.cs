namespace Sonde.Metrics;

/// <summary>One function's share of the CPU time sampled in the last window; <see cref="Label"/> is untrusted text.</summary>
public sealed record FunctionShare(string Label, double Ratio);
