namespace Sonde.Formats;

/// <summary>The summed weight of one stack, in one thread when stacks are kept apart per thread (else thread -1).</summary>
internal readonly record struct StackWeight(int ThreadIndex, int StackId, long Weight);
