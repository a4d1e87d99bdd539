using System.Runtime.InteropServices;

namespace Sonde.Remote.Sampling;

/// <summary>
/// The monotonic clock and absolute sleeps the sampler needs: .NET's Thread.Sleep rounds to milliseconds, too
/// coarse for rates above 1 kHz.
/// </summary>
internal static partial class NativeClock
{
    private const int ClockMonotonic = 1;
    private const int ClockThreadCpuTime = 3;
    private const int TimerAbsoluteTime = 1;
    private const int PrSetTimerSlack = 29;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in TimeSpec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public static long MonotonicNs() => Read(ClockMonotonic);

    public static long ThreadCpuNs() => Read(ClockThreadCpuTime);

    /// <summary>Sleeps until the monotonic clock reaches <paramref name="deadlineNs"/>.</summary>
    public static void SleepUntil(long deadlineNs)
    {
        var request = new TimeSpec { Seconds = deadlineNs / 1_000_000_000, Nanoseconds = deadlineNs % 1_000_000_000 };
        // EINTR returns early; the caller's loop simply re-checks the clock.
        ClockNanosleep(ClockMonotonic, TimerAbsoluteTime, request, IntPtr.Zero);
    }

    /// <summary>Asks the kernel to wake this thread on time rather than batching wake-ups (default slack is 50 us).</summary>
    public static void UseTightTimerSlack() => Prctl(PrSetTimerSlack, 1, 0, 0, 0);

    private static long Read(int clock) =>
        ClockGetTime(clock, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : 0;
}
