namespace Sonde.Cli.Top;

/// <summary>
/// One function's figures in one thread, split by whether the thread was running: samples in the last window (for
/// the percentages) and sampled time since the start. Entries add up across threads and states, so every view of the
/// table (idle threads or not, per thread or not) is a sum of them.
/// </summary>
internal sealed class TopEntry(int thread, int function, bool active)
{
    public int Thread { get; } = thread;
    public int Function { get; } = function;
    public bool Active { get; } = active;
    public long WindowOwn { get; set; }
    public long WindowTotal { get; set; }
    public long OwnNs { get; set; }
    public long TotalNs { get; set; }
}
