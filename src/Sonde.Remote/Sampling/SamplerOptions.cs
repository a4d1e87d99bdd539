namespace Sonde.Remote.Sampling;

/// <summary>What to sample and how often. Without <see cref="IncludeIdle"/> only running threads are sampled.</summary>
public sealed record SamplerOptions
{
    public double RateHz { get; init; } = 100;
    public TimeSpan? Duration { get; init; }
    public bool IncludeIdle { get; init; }
    public bool GilOnly { get; init; }
    /// <summary>Find the GIL holder on every tick, so samples say whether their thread held it (metrics need it).</summary>
    public bool TrackGil { get; init; }
    /// <summary>Spread of each interval around its mean, as a fraction; keeps ticks from aliasing with periodic work.</summary>
    public double Jitter { get; init; } = 0.5;
}
