using System.Collections.Concurrent;
using System.Diagnostics;
using Sonde.Cli.Console;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Top;

/// <summary>
/// The sampling behind `top`, on its own thread: a <see cref="ProcessTreeSampler"/> (the target alone, or with
/// --subprocesses its Python descendants too) feeding a <see cref="TopAggregator"/>, and the per-window header figures
/// from the samplers' counters and /proc.
/// </summary>
internal sealed class TopSession : IDisposable
{
    private readonly ProcessTreeSampler _tree;
    private readonly TopAggregator _aggregator;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<int, long> _lastCpuNs = [];
    private readonly string _target;
    private long _lastTicks, _lastSamples;
    private TimeSpan _lastTake;

    public TopSession(int pid, PythonTarget? root, SamplerOptions options, bool subprocesses, string target,
        Func<bool> rootAlive, CancellationToken cancellation)
    {
        _target = target;
        _aggregator = new TopAggregator(subprocesses ? p => _tree!.LabelOf(p) : null);
        _tree = new ProcessTreeSampler(pid, root, options with { IncludeIdle = true, ReadGil = true }, _aggregator, subprocesses, Warnings.Enqueue);
        // The first window's CPU % needs a reading from before it.
        if (ProcessStatsReader.TryReadCpuNs(pid, out var cpu)) _lastCpuNs[pid] = cpu;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _thread = new Thread(() =>
        {
            try { StopReason = _tree.Run(_stop.Token, rootAlive); }
            catch (Exception e) { Failure = e; }
        }) { IsBackground = true, Name = "sonde top sampler" };
        _thread.Start();
    }

    /// <summary>Children that look like Python but couldn't be read, one line each, not yet shown.</summary>
    public ConcurrentQueue<string> Warnings { get; } = new();

    public bool Finished => !_thread.IsAlive;
    public SamplerStopReason? StopReason { get; private set; }
    public Exception? Failure { get; private set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Closes the current window and computes the header that goes with it.</summary>
    public (TopHeader Header, TopWindow Window) Take()
    {
        var window = _aggregator.TakeWindow();
        var now = _clock.Elapsed;
        var seconds = (now - _lastTake).TotalSeconds;
        _lastTake = now;
        var progress = _tree.Progress;
        var ticks = progress.Ticks - _lastTicks;
        var samples = progress.Samples - _lastSamples;
        _lastTicks = progress.Ticks;
        _lastSamples = progress.Samples;

        var pids = _tree.ProcessIds;
        long cpuDelta = 0, rss = 0;
        var cpuKnown = false;
        var rssKnown = false;
        foreach (var pid in pids)
        {
            if (ProcessStatsReader.TryReadCpuNs(pid, out var cpu))
            {
                // A process seen for the first time counts from now on: its earlier CPU time isn't this window's.
                if (_lastCpuNs.TryGetValue(pid, out var last) && cpu >= last)
                {
                    cpuDelta += cpu - last;
                    cpuKnown = true;
                }
                _lastCpuNs[pid] = cpu;
            }
            if (ProcessStatsReader.TryReadRssBytes(pid, out var bytes))
            {
                rss += bytes;
                rssKnown = true;
            }
        }
        foreach (var gone in _lastCpuNs.Keys.Where(p => !pids.Contains(p)).ToList()) _lastCpuNs.Remove(gone);

        var header = new TopHeader(
            _target, now,
            cpuKnown && seconds > 0 ? 100.0 * cpuDelta / 1e9 / seconds : null,
            rssKnown ? rss : null,
            window.ActiveThreads, window.IdleThreads,
            ticks > 0 ? Math.Min(100.0, 100.0 * window.GilSamples / ticks) : null,
            seconds > 0 ? samples / seconds : 0,
            progress.Errors,
            pids.Count);
        return (header, window);
    }

    /// <summary>Stops sampling and waits for the sampler to finish.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _thread.Join();
    }

    /// <summary>Waits up to the timeout for the sampler to end on its own (the target exited).</summary>
    public bool WaitFinished(TimeSpan timeout) => _thread.Join(timeout);

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    /// <summary>The header's name for the target: its pid and command line, escaped and cut short.</summary>
    public static string Describe(int pid, string? commandLine)
    {
        var command = TerminalText.Escape(commandLine ?? "?");
        return $"pid {pid} ({(command.Length > 60 ? command[..60] + "..." : command)})";
    }
}
