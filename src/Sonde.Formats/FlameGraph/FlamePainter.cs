namespace Sonde.Formats.FlameGraph;

/// <summary>
/// Colours and annotates the frames of a flame graph in place of the usual colour by name; the differential flame
/// graph uses it. <see cref="Prepare"/> sees the tree before any frame is drawn.
/// </summary>
internal abstract class FlamePainter
{
    /// <summary>Replaces the subtitle (samples and weight) when not null.</summary>
    public abstract string? Subtitle { get; }

    public abstract void Prepare(FlameTree tree, MergedFrames frames);

    public abstract (int R, int G, int B) ColorOf(int node);

    /// <summary>Text the graph shows after the frame's weight when the pointer is on it; null for none.</summary>
    public abstract string? NoteOf(int node);
}
