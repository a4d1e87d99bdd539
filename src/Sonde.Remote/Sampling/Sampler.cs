using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>
/// Reads every thread's stack at a jittered rate without pausing the target. A tick that comes more than one
/// interval late is counted, never hidden, and the next tick is scheduled from now rather than bursting to catch up.
/// </summary>
public sealed class Sampler(RemoteInterpreter interpreter, SamplerOptions options, ISampleSink sink)
{
    private readonly List<RemoteThread> _threads = [];
    private readonly List<RemoteFrame> _frames = [];
    private readonly Dictionary<int, long> _lastCpuNs = [];
    private readonly PythonThreadNames _names = new(interpreter);

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
        using var stats = new ThreadStatReader(interpreter.ProcessId);
        var interval = (long)(1_000_000_000 / options.RateHz);
        var random = new Random();
        var start = NativeClock.MonotonicNs();
        var cpuStart = NativeClock.ThreadCpuNs();
        var end = options.Duration is { } d ? start + (long)d.TotalMilliseconds * 1_000_000 : long.MaxValue;
        var previous = start;
        var due = start;
        try
        {
            while (true)
            {
                var now = NativeClock.MonotonicNs();
                if (now < due)
                {
                    NativeClock.SleepUntil(due);
                    continue;
                }
                if (cancellation.IsCancellationRequested) return SamplerStopReason.Cancelled;
                if (now >= end) return SamplerStopReason.DurationElapsed;
                if (targetAlive is not null && !targetAlive()) return SamplerStopReason.TargetExited;

                Progress.Tick();
                if (now - due > interval) Progress.LateTick();
                SampleOnce(stats, now - start, now - previous);
                previous = now;
                var jitter = 1 + options.Jitter * (random.NextDouble() * 2 - 1);
                due = Math.Max(due + (long)(interval * jitter), now + interval / 4);
                Progress.Elapsed = TimeSpan.FromTicks((now - start) / 100);
                Progress.SamplerCpuNs = NativeClock.ThreadCpuNs() - cpuStart;
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
        }
    }

    /// <summary>
    /// The CPU time the thread used since it was last sampled, which the sample's stack is charged with: unlike a
    /// sample count, it doesn't grow while the thread waits for a CPU on a busy machine.
    /// </summary>
    private long CpuSinceLastSample(ThreadStatReader stats, int tid)
    {
        if (!stats.TryReadCpuNs(tid, out var cpu)) return 0;
        var delta = _lastCpuNs.TryGetValue(tid, out var last) && cpu >= last ? cpu - last : 0;
        _lastCpuNs[tid] = cpu;
        return delta;
    }

    private void SampleOnce(ThreadStatReader stats, long timestampNs, long intervalNs)
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
            var known = stats.TryRead(thread.NativeThreadId, out var state, out _);
            var active = known && state == 'R';
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
                thread.Address == gilHolder && gilHolder != 0, timestampNs, intervalNs, CpuSinceLastSample(stats, thread.NativeThreadId),
                _frames, _names.NameOf(thread)));
        }
    }
}
