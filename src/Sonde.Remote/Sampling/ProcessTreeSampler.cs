using System.Diagnostics;
using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>
/// Samples a process and, with <c>followDescendants</c>, its CPython children and grandchildren: /proc is scanned
/// four times a second, each new descendant that is CPython gets its own <see cref="Sampler"/> on its own thread, and
/// a sampler stops when its process ends. All of them feed one sink; each sample carries its process id.
/// A descendant that is Python but can't be read is reported once through <c>warn</c> and left out.
/// </summary>
public sealed class ProcessTreeSampler
{
    private static readonly TimeSpan _scanInterval = TimeSpan.FromMilliseconds(250);
    /// <summary>How long a Python-looking descendant may fail to attach (still starting up) before we warn about it.</summary>
    private static readonly TimeSpan _attachGrace = TimeSpan.FromSeconds(2);

    private readonly int _rootPid;
    private readonly PythonTarget? _root;
    private readonly SamplerOptions _options;
    private readonly ISampleSink _sink;
    private readonly bool _followDescendants;
    private readonly Action<string> _warn;
    private readonly Func<int, PythonTarget> _attach;
    private readonly object _lock = new();
    private readonly Dictionary<int, SampledProcess> _running = [];
    private readonly List<SamplerProgress> _finished = [];
    private readonly Dictionary<int, Candidate> _candidates = [];
    private readonly Dictionary<int, string> _labels = [];
    private readonly HashSet<int> _warned = [];
    private Exception? _rootFailure;

    /// <param name="root">
    /// The root, already attached; or null, to attach it like a descendant when it runs Python (it may be a shell
    /// that starts Python, or a launcher that execs it).
    /// </param>
    /// <param name="warn">Told, once per process, about a descendant that looks like Python but can't be read.</param>
    public ProcessTreeSampler(int rootPid, PythonTarget? root, SamplerOptions options, ISampleSink sink, bool followDescendants,
        Action<string> warn, Func<int, PythonTarget>? attach = null)
    {
        _rootPid = rootPid;
        _root = root;
        // The tree keeps the time: each process's sampler runs without a duration of its own.
        Duration = options.Duration;
        _options = options with { Duration = null };
        _sink = sink;
        _followDescendants = followDescendants;
        _warn = warn;
        _attach = attach ?? PythonTarget.Attach;
    }

    private TimeSpan? Duration { get; }

    /// <summary>The sum over every process sampled so far; ticks count once per process.</summary>
    public SamplerProgress Progress { get; } = new();

    /// <summary>The rate each process was sampled at, averaged over the processes: ticks add up across processes, rates don't.</summary>
    public double AchievedRateHz { get; private set; }

    /// <summary>The processes being sampled now.</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get { lock (_lock) return [.. _running.Keys]; }
    }

    /// <summary><c>process PID (COMMAND)</c>, the root frame of a process's stacks; the command as it was when attached.</summary>
    public string LabelOf(int processId)
    {
        lock (_lock)
        {
            if (!_labels.TryGetValue(processId, out var label))
            {
                label = Label(processId, ProcFiles.CommandLine(processId));
                _labels[processId] = label;
            }
            return label;
        }
    }

    /// <summary>
    /// Samples until cancelled, the duration elapses, or the root exits (<paramref name="rootAlive"/>; without
    /// descendants, also when the root's sampler finds it gone). A failure reading the root is thrown here.
    /// </summary>
    public SamplerStopReason Run(CancellationToken cancellation, Func<bool> rootAlive)
    {
        var clock = Stopwatch.StartNew();
        if (_root is not null) Start(_rootPid, _root, ProcFiles.CommandLine(_rootPid));
        var reason = SamplerStopReason.TargetExited;
        try
        {
            while (true)
            {
                if (cancellation.IsCancellationRequested) { reason = SamplerStopReason.Cancelled; break; }
                if (Duration is { } d && clock.Elapsed >= d) { reason = SamplerStopReason.DurationElapsed; break; }
                if (!rootAlive()) break;
                if (_followDescendants) Scan();
                if (Reap() && !_followDescendants) break;
                UpdateProgress(clock.Elapsed);
                var wait = Duration is { } limit ? Min(_scanInterval, limit - clock.Elapsed) : _scanInterval;
                if (wait > TimeSpan.Zero) cancellation.WaitHandle.WaitOne(wait);
            }
        }
        finally
        {
            StopAll();
            UpdateProgress(clock.Elapsed);
        }
        if (_rootFailure is not null) throw _rootFailure;
        return reason;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void Scan()
    {
        var now = Environment.TickCount64;
        var descendants = ProcFiles.DescendantsOf(_rootPid);
        // A root that wasn't Python when we started (a shell, a pyenv shim) may exec Python later.
        if (_root is null && ProcFiles.Exists(_rootPid)) descendants.Add(_rootPid);
        foreach (var pid in descendants)
        {
            if (_running.ContainsKey(pid) || ProcFiles.IsZombie(pid)) continue;
            var command = ProcFiles.CommandLine(pid);
            if (!_candidates.TryGetValue(pid, out var candidate) || candidate.Command != command)
            {
                // New, or it exec'd something else since we last looked: wait a scan, so a fork that is about to exec
                // isn't attached to as a copy of its parent.
                _candidates[pid] = new Candidate(command, now);
                continue;
            }
            if (candidate.Settled) continue;
            TryAttach(pid, candidate, now);
        }
        // Forget the ones that ended, so a reused pid counts as new.
        foreach (var pid in _candidates.Keys.Where(p => !descendants.Contains(p)).ToList()) _candidates.Remove(pid);
        lock (_lock)
        {
            foreach (var (pid, process) in _running)
            {
                if (pid == _rootPid) continue;
                // A child that exec'd another program, or became a zombie: its sampler would only read errors.
                if (!descendants.Contains(pid) || ProcFiles.IsZombie(pid) || ProcFiles.CommandLine(pid) != process.Command)
                    process.Cancellation.Cancel();
            }
        }
    }

    private void TryAttach(int pid, Candidate candidate, long now)
    {
        try
        {
            var target = _attach(pid);
            candidate.Settled = true;
            Start(pid, target, candidate.Command);
        }
        catch (TargetExitedException)
        {
            candidate.Settled = true;
        }
        catch (Exception e) when (e is TargetException or IOException or UnauthorizedAccessException)
        {
            if (!ProcFiles.LooksLikePython(pid)) candidate.Settled = true;
            else if (now - candidate.FirstSeenMs >= _attachGrace.TotalMilliseconds)
            {
                candidate.Settled = true;
                // Once per pid, even if it execs again and fails again.
                if (_warned.Add(pid)) _warn($"{LabelOf(pid)} looks like Python but can't be read, so its stacks are left out: {OneLine(e.Message)}");
            }
        }
    }

    private void Start(int pid, PythonTarget target, string command)
    {
        var sampled = new SampledProcess(pid, command, new Sampler(target.Interpreter, _options, _sink));
        lock (_lock)
        {
            _labels[pid] = Label(pid, command);
            _running[pid] = sampled;
        }
        sampled.Thread = new Thread(() => RunOne(sampled)) { IsBackground = true, Name = $"sonde sampler {pid}" };
        sampled.Thread.Start();
    }

    private void RunOne(SampledProcess process)
    {
        try
        {
            process.Sampler.Run(process.Cancellation.Token, () => ProcFiles.Exists(process.ProcessId));
        }
        catch (Exception e) when (process.ProcessId == _rootPid)
        {
            _rootFailure = e;
        }
        catch (Exception e)
        {
            _warn($"{LabelOf(process.ProcessId)} stopped being sampled: {OneLine(e.Message)}");
        }
    }

    /// <summary>Collects samplers whose process ended; true when the root's was among them.</summary>
    private bool Reap()
    {
        var rootEnded = false;
        lock (_lock)
        {
            foreach (var (pid, process) in _running.Where(p => !p.Value.Thread!.IsAlive).ToList())
            {
                _running.Remove(pid);
                _finished.Add(process.Sampler.Progress);
                process.Cancellation.Dispose();
                rootEnded |= pid == _rootPid;
            }
        }
        return rootEnded || _rootFailure is not null;
    }

    private void StopAll()
    {
        List<SampledProcess> running;
        lock (_lock) running = [.. _running.Values];
        foreach (var process in running) process.Cancellation.Cancel();
        foreach (var process in running) process.Thread!.Join();
        Reap();
    }

    private void UpdateProgress(TimeSpan elapsed)
    {
        lock (_lock)
        {
            List<SamplerProgress> parts = [.. _finished, .. _running.Values.Select(p => p.Sampler.Progress)];
            Progress.SetToSumOf(parts, elapsed);
            var rates = parts.Where(p => p.Elapsed > TimeSpan.Zero).Select(p => p.Ticks / p.Elapsed.TotalSeconds).ToList();
            AchievedRateHz = rates.Count > 0 ? rates.Average() : 0;
        }
    }

    private static string Label(int pid, string command) =>
        $"process {pid} ({(command.Length > 120 ? command[..120] + "..." : command)})";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private sealed class SampledProcess(int processId, string command, Sampler sampler)
    {
        public int ProcessId { get; } = processId;
        public string Command { get; } = command;
        public Sampler Sampler { get; } = sampler;
        public CancellationTokenSource Cancellation { get; } = new();
        public Thread? Thread { get; set; }
    }

    private sealed class Candidate(string command, long firstSeenMs)
    {
        public string Command { get; } = command;
        public long FirstSeenMs { get; } = firstSeenMs;
        public bool Settled { get; set; }
    }
}
