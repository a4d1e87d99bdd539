namespace Sonde.Remote.Sampling;

/// <summary>What to sample and how often. Without <see cref="IncludeIdle"/> only running threads are sampled.</summary>
public sealed record SamplerOptions
{
    public double RateHz { get; init; } = 100;
    public TimeSpan? Duration { get; init; }
    public bool IncludeIdle { get; init; }
    public bool GilOnly { get; init; }
    /// <summary>Read the GIL holder every tick so each sample says whether its thread held it (`top` shows how often).</summary>
    public bool ReadGil { get; init; }
    /// <summary>Spread of each interval around its mean, as a fraction; keeps ticks from aliasing with periodic work.</summary>
    public double Jitter { get; init; } = 0.5;
}
