namespace Sonde.Profiles;

/// <summary>How well the sampler kept up. Late and failed samples are reported, never hidden.</summary>
public sealed class SamplerStatistics
{
    /// <summary>Ticks of the sampling timer.</summary>
    public long Ticks { get; set; }

    /// <summary>Thread stacks recorded.</summary>
    public long Samples { get; set; }

    /// <summary>Ticks on which the target could not be read consistently (torn or failed reads).</summary>
    public long Errors { get; set; }

    /// <summary>Ticks that came later than one interval after they were due.</summary>
    public long Late { get; set; }

    /// <summary>CPU time the sampler itself spent reading the target.</summary>
    public long CpuTimeNs { get; set; }

    /// <summary>The part of <see cref="CpuTimeNs"/> spent reading and recording, without waiting for ticks (estimated; 0 when unknown).</summary>
    public long ReadingCpuTimeNs { get; set; }

    public double RequestedRateHz { get; set; }

    public double AchievedRateHz { get; set; }
}
