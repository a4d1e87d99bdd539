namespace Sonde.Profiles.Lines;

/// <summary>How often a line ran and how long it took, the calls it made included.</summary>
public readonly record struct LineTiming(int Line, long Hits, long TimeNs)
{
    public LineTiming Plus(LineTiming other) => this with { Hits = Hits + other.Hits, TimeNs = TimeNs + other.TimeNs };
}
