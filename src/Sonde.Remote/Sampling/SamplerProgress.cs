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

    /// <summary>
    /// The part of <see cref="SamplerCpuNs"/> spent reading the target and recording samples, without waiting for
    /// ticks; estimated from the ticks that measured it (one in 16).
    /// </summary>
    public long ReadingCpuNs { get; internal set; }

    public TimeSpan Elapsed { get; internal set; }

    internal void Tick() => Interlocked.Increment(ref _ticks);
    internal void Sample() => Interlocked.Increment(ref _samples);
    internal void Error() => Interlocked.Increment(ref _errors);
    internal void LateTick() => Interlocked.Increment(ref _late);

    /// <summary>Makes this the sum of several samplers' progress (one per process with --subprocesses).</summary>
    internal void SetToSumOf(IReadOnlyCollection<SamplerProgress> parts, TimeSpan elapsed)
    {
        Interlocked.Exchange(ref _ticks, parts.Sum(p => p.Ticks));
        Interlocked.Exchange(ref _samples, parts.Sum(p => p.Samples));
        Interlocked.Exchange(ref _errors, parts.Sum(p => p.Errors));
        Interlocked.Exchange(ref _late, parts.Sum(p => p.Late));
        SamplerCpuNs = parts.Sum(p => p.SamplerCpuNs);
        ReadingCpuNs = parts.Sum(p => p.ReadingCpuNs);
        Elapsed = elapsed;
    }
}
