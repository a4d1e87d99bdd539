namespace Sonde.Remote.Sampling;

/// <summary>
/// Waits for the next tick's absolute deadline, so sleeps don't add up to drift. On this kind of VM a sleep wakes
/// 30-150 us late and costs 15-30 us of CPU, so at high rates (intervals under <see cref="SpinBelowNs"/>) the
/// pacer sleeps only for the part of the wait beyond the lateness it has seen, and spins on the clock for the rest:
/// the sampler then keeps its rate at the price of a busy CPU.
/// </summary>
internal sealed class TickPacer(long intervalNs)
{
    public const long SpinBelowNs = 200_000;

    private readonly bool _spin = intervalNs < SpinBelowNs;
    // A running estimate of how late a sleep wakes up, in ns.
    private long _lateness = 50_000;

    /// <summary>Returns the time at or after <paramref name="dueNs"/> when the wait ended.</summary>
    public long WaitUntil(long dueNs)
    {
        var now = NativeClock.MonotonicNs();
        if (!_spin)
        {
            // EINTR returns early; the loop re-checks the clock.
            while (now < dueNs)
            {
                NativeClock.SleepUntil(dueNs);
                now = NativeClock.MonotonicNs();
            }
            return now;
        }
        var wakeAt = dueNs - _lateness;
        if (wakeAt > now)
        {
            NativeClock.SleepUntil(wakeAt);
            now = NativeClock.MonotonicNs();
            _lateness += (Math.Clamp(now - wakeAt, 0, 1_000_000) - _lateness) / 8;
        }
        while (now < dueNs)
        {
            Thread.SpinWait(20);
            now = NativeClock.MonotonicNs();
        }
        return now;
    }
}
