namespace Sonde.Metrics;

/// <summary>One GC generation's collections, pause time and objects collected, since the agent started.</summary>
public sealed record GenerationTotals(int Generation, long Collections, double PauseSeconds, long CollectedObjects, long UncollectableObjects);
