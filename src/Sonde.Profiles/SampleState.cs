namespace Sonde.Profiles;

/// <summary>
/// What a sampled thread was doing at the moment of its sample, as the sampler saw it from outside: on a CPU or
/// waiting (/proc, or the innermost frame when /proc won't say), and whether it held the GIL.
/// </summary>
public enum SampleState : byte
{
    /// <summary>The source didn't say (aggregated formats, exact tracing, files written before states existed).</summary>
    Unknown = 0,
    /// <summary>Waiting: sleeping, blocked on I/O or a lock.</summary>
    Idle = 1,
    /// <summary>Running or runnable, without the GIL (or the GIL holder wasn't read).</summary>
    Running = 2,
    /// <summary>Holding the GIL: the thread the interpreter runs Python code on.</summary>
    HoldingGil = 3,
}
