using Sonde.Profiles;

namespace Sonde.Formats.FlameGraph;

/// <summary>One profile of a differential flame graph: which weight sizes its stacks, and how many of the diff's unit one unit of it is.</summary>
public sealed record DiffFlameGraphSide(Profile Profile, int WeightIndex, double UnitsPerWeight);
