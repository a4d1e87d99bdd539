namespace Sonde.Formats.FlameGraph;

/// <summary>
/// A differential flame graph: NEW's flame graph, laid out as <see cref="FlameGraphWriter"/> lays out any profile,
/// with each frame coloured by how the same call path changed against BASE: red where it grew, blue where it shrank,
/// the deeper the colour the larger the change (full at double or half), and grey where it did not change or the
/// change is within sampling error. Paths that only BASE has are not drawn, as NEW has no place for them.
/// </summary>
/// <param name="Unit">The unit both sides are converted to: <c>nanoseconds</c>, <c>bytes</c>, or a count's name.</param>
/// <param name="Exact">True when the values were measured, so every change is real; false for sampled profiles.</param>
public sealed class DiffFlameGraph(DiffFlameGraphSide baseSide, DiffFlameGraphSide newSide, string title, string unit, bool exact)
{
    public void Write(Stream output) =>
        FlameGraphWriter.Write(newSide.Profile, output, new WriteOptions(newSide.WeightIndex, Title: title), new DiffPainter(baseSide, newSide, unit, exact));
}
