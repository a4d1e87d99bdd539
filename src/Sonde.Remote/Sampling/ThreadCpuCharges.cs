namespace Sonde.Remote.Sampling;

/// <summary>
/// The CPU time each thread used since it was last sampled, which the sample's stack is charged with: unlike a
/// sample count, it doesn't grow while the thread waits for a CPU on a busy machine. The kernel only brings a
/// running thread's total up to date at scheduler ticks and context switches, so reading it more often than a
/// tick (<see cref="MinReadIntervalNs"/>, 4 ms at the usual CONFIG_HZ=250) mostly learns nothing and costs a read
/// of /proc: faster samples in between are charged 0 and the next read charges what accrued, as a read that found
/// the total unchanged would.
/// </summary>
internal sealed class ThreadCpuCharges
{
    public const long MinReadIntervalNs = 4_000_000;

    private readonly Dictionary<int, (long CpuNs, long ReadAtNs)> _last = [];

    public long SinceLastSample(ThreadStatReader stats, int tid, long nowNs)
    {
        var seen = _last.TryGetValue(tid, out var last);
        if (seen && nowNs - last.ReadAtNs < MinReadIntervalNs) return 0;
        if (!stats.TryReadCpuNs(tid, out var cpu)) return 0;
        _last[tid] = (cpu, nowNs);
        return seen && cpu >= last.CpuNs ? cpu - last.CpuNs : 0;
    }
}
