using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>
/// Reads every thread's stack at a jittered rate without pausing the target. A tick that comes more than one
/// interval late is counted, never hidden, and the next tick is scheduled from now rather than bursting to catch up.
/// </summary>
public sealed class Sampler(RemoteInterpreter interpreter, SamplerOptions options, ISampleSink sink)
{
    // Whether the target lives and how much CPU we used are checked this often rather than on every tick: each
    // costs a syscall, and a target that exits between checks is caught anyway when reading it fails (ESRCH).
    private const long HousekeepingIntervalNs = 100_000_000;
    // One tick in this many measures the CPU its reading takes, for the summary's "reading" figure. The thread CPU
    // clock is a system call (0.5 us here), half of each read falls inside what it measures, so the cost of
    // measuring nothing, found once at the start, is taken off.
    private const int ReadingMeasureEvery = 16;
    private const int ClockCalibrationReads = 64;

    private readonly List<RemoteThread> _threads = [];
    private readonly List<RemoteFrame> _frames = [];
    private readonly ThreadCpuCharges _cpu = new();
    private readonly PythonThreadNames _names = new(interpreter);
    private long _measuredReadNs;
    private long _measuredSamples;
    private long _clockCostNs;

    public SamplerProgress Progress { get; } = new();

    /// <summary>Samples on the calling thread until cancelled, the duration elapses, or the target exits.</summary>
    public SamplerStopReason Run(CancellationToken cancellation, Func<bool>? targetAlive = null)
    {
        NativeClock.UseTightTimerSlack();
        // Name the threads there already are before the clock starts, so the one-off cost of the first lookup
        // (a scan of sys.modules, and compiling the object readers) doesn't delay the first ticks.
        try
        {
            if (interpreter.TryReadThreads(_threads)) _names.Observe(_threads);
        }
        catch (TargetExitedException)
        {
            return SamplerStopReason.TargetExited;
        }
        _clockCostNs = EmptyMeasurementNs();
        using var stats = new ThreadStatReader(interpreter.ProcessId);
        var interval = (long)(1_000_000_000 / options.RateHz);
        var pacer = new TickPacer(interval);
        var random = new Random();
        var start = NativeClock.MonotonicNs();
        var cpuStart = NativeClock.ThreadCpuNs();
        var end = options.Duration is { } d ? start + (long)d.TotalMilliseconds * 1_000_000 : long.MaxValue;
        var previous = start;
        var due = start;
        var housekeepingDue = start;
        long tick = 0;
        try
        {
            while (true)
            {
                var now = pacer.WaitUntil(due);
                if (cancellation.IsCancellationRequested) return SamplerStopReason.Cancelled;
                if (now >= end) return SamplerStopReason.DurationElapsed;
                if (now >= housekeepingDue)
                {
                    if (targetAlive is not null && !targetAlive()) return SamplerStopReason.TargetExited;
                    Progress.SamplerCpuNs = NativeClock.ThreadCpuNs() - cpuStart;
                    housekeepingDue = now + HousekeepingIntervalNs;
                }

                Progress.Tick();
                if (now - due > interval) Progress.LateTick();
                // The first ticks compile the sampling path; they are left out of the steady cost.
                if (tick++ >= 4 * ReadingMeasureEvery && tick % ReadingMeasureEvery == 0) MeasuredSampleOnce(stats, now - start, now - previous, now);
                else SampleOnce(stats, now - start, now - previous, now);
                previous = now;
                var jitter = 1 + options.Jitter * (random.NextDouble() * 2 - 1);
                due = Math.Max(due + (long)(interval * jitter), now + interval / 4);
                Progress.Elapsed = TimeSpan.FromTicks((now - start) / 100);
            }
        }
        catch (TargetExitedException)
        {
            return SamplerStopReason.TargetExited;
        }
        finally
        {
            Progress.Elapsed = TimeSpan.FromTicks((NativeClock.MonotonicNs() - start) / 100);
            Progress.SamplerCpuNs = NativeClock.ThreadCpuNs() - cpuStart;
            if (_measuredSamples > 0) Progress.ReadingCpuNs = (long)((double)_measuredReadNs / _measuredSamples * Progress.Samples);
        }
    }

    private void MeasuredSampleOnce(ThreadStatReader stats, long timestampNs, long intervalNs, long now)
    {
        var before = NativeClock.ThreadCpuNs();
        var samples = Progress.Samples;
        SampleOnce(stats, timestampNs, intervalNs, now);
        _measuredReadNs += Math.Max(0, NativeClock.ThreadCpuNs() - before - _clockCostNs);
        _measuredSamples += Progress.Samples - samples;
    }

    /// <summary>The least CPU two back-to-back reads of the thread CPU clock report between them.</summary>
    private static long EmptyMeasurementNs()
    {
        var least = long.MaxValue;
        for (var i = 0; i < ClockCalibrationReads; i++)
        {
            var before = NativeClock.ThreadCpuNs();
            least = Math.Min(least, NativeClock.ThreadCpuNs() - before);
        }
        return least;
    }

    // The per-tick path runs the ReadyToRun code `./sonde` publishes, which is optimised from the first tick, until
    // tiered compilation recompiles it with profile data. (Marking it AggressiveOptimization instead made every
    // start JIT it, which cost `sonde dump` most of its time over the runtime's own start-up.)
    private void SampleOnce(ThreadStatReader stats, long timestampNs, long intervalNs, long now)
    {
        if (!interpreter.TryReadThreads(_threads))
        {
            Progress.Error();
            return;
        }
        _names.Observe(_threads);
        var gilHolder = options.GilOnly || options.ReadGil ? interpreter.GilHolder() : 0;
        if (options.GilOnly && gilHolder == 0) return;

        foreach (var thread in _threads)
        {
            if (options.GilOnly && thread.Address != gilHolder) continue;
            // A thread holding the GIL is running or about to (a thread that waits or sleeps lets the GIL go), so
            // only the others need the kernel's word, which costs a read of /proc.
            var holdsGil = gilHolder != 0 && thread.Address == gilHolder;
            var state = '?';
            var known = holdsGil || stats.TryRead(thread.NativeThreadId, out state, out _);
            var active = holdsGil || (known && state == 'R');
            if (known && !active && !options.IncludeIdle) continue;

            _frames.Clear();
            if (interpreter.Walk(thread, _frames) != WalkResult.Complete)
            {
                Progress.Error();
                continue;
            }
            if (!known) active = _frames.Count > 0 && !BlockingFrames.LooksIdle(_frames[0]);
            if (!active && !options.IncludeIdle) continue;
            if (_frames.Count == 0) continue;

            Progress.Sample();
            sink.OnSample(new ThreadSample(interpreter.ProcessId, thread.NativeThreadId, thread.ThreadIdent, active,
                holdsGil, timestampNs, intervalNs, _cpu.SinceLastSample(stats, thread.NativeThreadId, now),
                _frames, _names.NameOf(thread)));
        }
    }
}
