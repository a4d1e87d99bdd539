using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>
/// One thread's stack at one tick. <see cref="Frames"/> is innermost first and only valid during the
/// <see cref="ISampleSink.OnSample"/> call: the sampler reuses the list. <see cref="ThreadName"/> is the name the
/// source knows the thread by, or null when it has none. <see cref="CpuNs"/> is the CPU time the thread used since
/// it was last sampled.
/// </summary>
public readonly record struct ThreadSample(
    int ProcessId,
    int NativeThreadId,
    ulong ThreadIdent,
    bool Active,
    bool HoldsGil,
    long TimestampNs,
    long IntervalNs,
    long CpuNs,
    List<RemoteFrame> Frames,
    string? ThreadName);
