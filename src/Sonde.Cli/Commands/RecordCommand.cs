using System.CommandLine;
using System.Runtime.InteropServices;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Cli.Output;
using Sonde.Cli.Targets;
using Sonde.Formats;
using Sonde.Formats.Native;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Memory;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Commands;

/// <summary>`sonde record`: samples a running or launched Python program from outside and writes a profile.</summary>
internal static class RecordCommand
{
    // Far beyond what one sampling thread reaches: asking for more only makes it run flat out, which is how the
    // benchmarks measure a sample's own cost without the waits between ticks.
    private const int MaxRate = 1_000_000;

    /// <summary>Without -o: <c>sonde-YYYYMMDD-HHMMSS.sonde</c> (local time) in the current directory.</summary>
    public static string DefaultOutput(DateTime now) => $"sonde-{now:yyyyMMdd-HHmmss}.sonde";

    public static Command Create(Terminal terminal)
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the profile; the extension picks the format (default sonde-YYYYMMDD-HHMMSS.sonde, written as the recording runs)",
        };
        var format = CommonOptions.Format();
        var rate = new Option<double>("--rate", "-r")
        {
            Description = $"Samples per second, up to {MaxRate}; a rate beyond what the sampler sustains (about 100 kHz on one busy thread here) samples as fast as it can, and the summary says what it achieved",
            DefaultValueFactory = _ => 100,
        };
        var duration = new Option<double?>("--duration", "-d") { Description = "Stop after this many seconds" };
        var idle = new Option<bool>("--idle") { Description = "Also sample threads that are not running" };
        var gil = new Option<bool>("--gil") { Description = "Only sample the thread holding the GIL" };
        var threads = new Option<bool>("--threads") { Description = "Start each stack with a 'thread NAME (TID)' frame" };
        var lines = new Option<bool>("--lines") { Description = "Keep the executing line of each frame instead of merging per function" };
        var subprocesses = CommonOptions.Subprocesses();
        var pid = CommonOptions.Pid();
        var command = CommonOptions.Command();
        var serve = new Option<bool>("--serve") { Description = "Show the recording live in the browser (as sonde view does), and keep serving it after it ends" };

        var record = new Command("record", Examples.Describe(
            "Sample a Python program's stacks from outside, without pausing or slowing it, and write a profile. A .sonde " +
            "file (the default) is written as the recording runs, so a recording that is killed keeps all but its last second.",
            "sonde record -- python3 app.py --port 8000",
            "sonde record -o profile.svg -- python3 app.py --port 8000",
            "sonde record -p 4242 -d 30 -o profile.speedscope.json",
            "sonde record -r 1000 --idle --threads -o stacks.folded -- python3 -m mypkg",
            "sonde record --subprocesses -o workers.svg -- python3 -m mypkg.pool_job",
            "sonde record --serve -- python3 app.py"))
        {
            output, format, rate, duration, idle, gil, threads, lines, subprocesses, pid, command, serve,
        };
        var history = HistoryOptions.AddTo(record);
        record.SetAction(result => Run(new RecordOptions(
            result.GetValue(output), result.GetValue(format), result.GetValue(rate), result.GetValue(duration),
            result.GetValue(idle), result.GetValue(gil), result.GetValue(threads), result.GetValue(lines),
            result.GetValue(pid), result.GetValue(command) ?? [], result.GetValue(subprocesses), result.GetValue(serve), history.Bind(result)), terminal));
        return record;
    }

    internal static int Run(RecordOptions options, Terminal terminal)
    {
        Validate(options);
        var outputPath = options.Output ?? DefaultOutput(DateTime.Now);
        var writer = ProfileOutput.WriterFor(outputPath, options.Format);
        var samplerOptions = new SamplerOptions
        {
            RateHz = options.Rate,
            Duration = options.Duration is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            IncludeIdle = options.Idle,
            GilOnly = options.Gil,
            // One read per tick, not per thread: it gives every sample its thread state for the timeline.
            ReadGil = true,
        };

        using var signals = new TerminationSignals();
        using var launched = options.Pid is null ? LaunchedProcess.Start(options.Command) : null;
        var pid = options.Pid ?? launched!.ProcessId;
        ProcessTreeSampler? tree = null;
        PythonTarget? target = null;
        if (options.Subprocesses)
        {
            Subprocesses.RequireProcess(pid);
            if (launched is null) target = Subprocesses.TryAttachRoot(pid);
        }
        else
        {
            target = launched is null
                ? PythonTarget.Attach(pid)
                : PythonTarget.AttachWhenReady(pid, () => !launched.HasExited, signals.Token);
        }

        var recorder = options.Subprocesses ? new ProfileRecorder(pid, p => tree!.LabelOf(p)) : new ProfileRecorder(pid);
        var metadata = recorder.Profile.Metadata;
        metadata.StartTime = DateTimeOffset.Now;
        metadata.Command = launched?.CommandLine ?? ProcessCommandLine.Read(pid);
        metadata.ProcessId = pid;
        metadata.Host = Environment.MachineName;
        metadata.Sampler.RequestedRateHz = options.Rate;
        metadata.GitCommit = GitCommit.OfProcess(pid);
        // RSS, PSS and threads from /proc, beside the stacks; the growth also weighs the samples (rss-growth).
        using var memorySampler = new ProcessMemorySampler(pid, (metadata.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, recorder.ObserveResident);

        using var live = options.Serve && (target is not null || options.Subprocesses) ? LiveView.Start(recorder, Path.GetFileName(outputPath), terminal, signals.Token) : null;
        StreamingProfileFile? streaming = null;
        if (target is not null || options.Subprocesses)
        {
            if (target is not null)
            {
                metadata.PythonVersion = target.Binary.Version.ToString();
                metadata.PythonPath = target.Binary.ExecutablePath;
            }
            Func<bool> alive = launched is null ? () => Directory.Exists($"/proc/{pid}") : () => !launched.HasExited;
            SamplerProgress progress;
            Action run;
            if (!options.Subprocesses)
            {
                var sampler = new Sampler(target!.Interpreter, samplerOptions, recorder);
                progress = sampler.Progress;
                run = () => sampler.Run(signals.Token, alive);
            }
            else
            {
                tree = new ProcessTreeSampler(pid, target, samplerOptions, recorder, followDescendants: true, Subprocesses.Warner(terminal));
                progress = tree.Progress;
                run = () => tree.Run(signals.Token, alive);
            }
            if (writer is NativeWriter) streaming = StreamingProfileFile.Start(outputPath, recorder.Profile, recorder.Lock);
            using (new StatusLine(terminal, progress, enabled: true))
            {
                try
                {
                    run();
                }
                catch
                {
                    // What was sampled stays in the file as the last append left it.
                    streaming?.Dispose();
                    throw;
                }
            }
            metadata.Duration = progress.Elapsed;
            metadata.Sampler.Ticks = progress.Ticks;
            metadata.Sampler.Samples = progress.Samples;
            metadata.Sampler.Errors = progress.Errors;
            metadata.Sampler.Late = progress.Late;
            metadata.Sampler.CpuTimeNs = progress.SamplerCpuNs;
            metadata.Sampler.ReadingCpuTimeNs = progress.ReadingCpuNs;
            metadata.Sampler.AchievedRateHz = tree?.AchievedRateHz ?? (progress.Elapsed.TotalSeconds > 0 ? progress.Ticks / progress.Elapsed.TotalSeconds : 0);
        }

        if (launched is not null && signals.Received is { } signal) ForwardSignal(launched, signal);
        lock (recorder.Lock)
        {
            recorder.Profile.Memory = new MemoryData();
            memorySampler.AddTo(recorder.Profile.Memory);
        }
        if (streaming is not null)
        {
            using (streaming) streaming.Finish();
        }
        else ProfileOutput.Write(recorder.Profile, outputPath, writer, new WriteOptions(ThreadRoots: options.Threads, Lines: options.Lines));
        RecordingSummary.Print(terminal, recorder.Profile, outputPath);
        RecordingHistory.Save(terminal, recorder.Profile, options.History ?? HistoryChoice.Default);
        live?.ServeUntilStopped(terminal);
        return launched?.WaitForExit() ?? ExitCodes.Ok;
    }

    private static void Validate(RecordOptions options)
    {
        if (options.Pid is not null && options.Command.Count > 0)
            throw new UsageException("give either -p PID or a command after --, not both");
        if (options.Pid is null && options.Command.Count == 0)
            throw new UsageException("give a PID with -p PID or a command after --, e.g. sonde record -- python3 app.py");
        if (options.Rate is <= 0 or > MaxRate)
            throw new UsageException($"--rate must be between 1 and {MaxRate} samples per second, not {options.Rate}");
        if (options.Duration is <= 0)
            throw new UsageException("--duration must be a positive number of seconds");
    }

    /// <summary>
    /// SIGTERM meant for Sonde goes on to the target. Ctrl-C already reached the target through the terminal's
    /// process group; if it still runs after a moment, the signal was sent to Sonde alone, so pass it on.
    /// </summary>
    private static void ForwardSignal(LaunchedProcess launched, PosixSignal signal)
    {
        if (signal != PosixSignal.SIGINT)
        {
            launched.Signal(PosixSignal.SIGTERM);
            return;
        }
        for (var waited = 0; waited < 2000 && !launched.HasExited; waited += 50) Thread.Sleep(50);
        launched.Signal(PosixSignal.SIGINT);
    }
}
