using Sonde.Profiles;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Continuous;

/// <summary>
/// Records one window: a fresh <see cref="ProfileRecorder"/> and, per target, a fresh <see cref="Sampler"/> on its
/// own thread for the window's length. Nothing outlives the window but the profile, so per-thread state (CPU
/// baselines, open /proc files, thread names) can't pile up over hours; the targets' code caches are bounded.
/// </summary>
internal sealed class WindowSampler(double rateHz, string host)
{
    /// <summary>Live counters across windows, for the status line.</summary>
    public long TotalSamples => Interlocked.Read(ref _totalSamples);

    private long _totalSamples;

    public ProfileWindow Record(IReadOnlyList<WatchedTarget> targets, TimeSpan length, CancellationToken cancellation)
    {
        var recorder = new ProfileRecorder(targets.Count == 1 ? targets[0].ProcessId : 0);
        var options = new SamplerOptions { RateHz = rateHz, Duration = length };
        var from = DateTimeOffset.UtcNow;
        var runs = targets.Select(target =>
        {
            var sampler = new Sampler(target.Target.Interpreter, options, recorder);
            var thread = new Thread(() => SampleQuietly(sampler, target, cancellation)) { IsBackground = true, Name = $"sonde agent {target.ProcessId}" };
            thread.Start();
            return (sampler, thread);
        }).ToList();
        if (runs.Count == 0) cancellation.WaitHandle.WaitOne(length);
        long ticks = 0, samples = 0, errors = 0, late = 0, cpu = 0;
        foreach (var (sampler, thread) in runs)
        {
            // A sampler ends with its window, its target, or the cancellation; tally it as it ends.
            var counted = 0L;
            while (!thread.Join(100))
            {
                var now = sampler.Progress.Samples;
                Interlocked.Add(ref _totalSamples, now - counted);
                counted = now;
            }
            Interlocked.Add(ref _totalSamples, sampler.Progress.Samples - counted);
            ticks += sampler.Progress.Ticks;
            samples += sampler.Progress.Samples;
            errors += sampler.Progress.Errors;
            late += sampler.Progress.Late;
            cpu += sampler.Progress.SamplerCpuNs;
        }
        var until = DateTimeOffset.UtcNow;

        var profile = recorder.Profile;
        var metadata = profile.Metadata;
        metadata.StartTime = from;
        metadata.Duration = until - from;
        metadata.Host = host;
        metadata.Command = targets.Count == 1 ? targets[0].CommandLine : $"{targets.Count} processes";
        if (targets.Count == 1) metadata.ProcessId = targets[0].ProcessId;
        var versions = targets.Select(t => t.Target.Binary.Version.ToString()).Distinct().ToList();
        if (versions.Count == 1) metadata.PythonVersion = versions[0];
        metadata.Sampler.RequestedRateHz = rateHz;
        metadata.Sampler.Ticks = ticks;
        metadata.Sampler.Samples = samples;
        metadata.Sampler.Errors = errors;
        metadata.Sampler.Late = late;
        metadata.Sampler.CpuTimeNs = cpu;
        metadata.Sampler.AchievedRateHz = runs.Count > 0 && metadata.Duration.TotalSeconds > 0 ? ticks / runs.Count / metadata.Duration.TotalSeconds : 0;
        metadata.Properties["agent.processes"] = string.Join(",", targets.Select(t => t.ProcessId));
        return new ProfileWindow(profile, from, until);
    }

    /// <summary>A target that becomes unreadable mid-window keeps what was sampled so far; the other targets go on.</summary>
    private static void SampleQuietly(Sampler sampler, WatchedTarget target, CancellationToken cancellation)
    {
        try
        {
            sampler.Run(cancellation, target.IsAlive);
        }
        catch (Sonde.Profiles.Errors.SondeException)
        {
        }
    }
}
