namespace Sonde.Remote.Sampling;

/// <summary>A live view of the sampler's counters, read by the status line while sampling goes on.</summary>
public sealed class SamplerProgress
{
    private long _ticks, _samples, _errors, _late;

    public long Ticks => Interlocked.Read(ref _ticks);
    public long Samples => Interlocked.Read(ref _samples);
    public long Errors => Interlocked.Read(ref _errors);
    public long Late => Interlocked.Read(ref _late);

    /// <summary>CPU time the sampling thread itself used.</summary>
    public long SamplerCpuNs { get; internal set; }

    public TimeSpan Elapsed { get; internal set; }

    internal void Tick() => Interlocked.Increment(ref _ticks);
    internal void Sample() => Interlocked.Increment(ref _samples);
    internal void Error() => Interlocked.Increment(ref _errors);
    internal void LateTick() => Interlocked.Increment(ref _late);
}
