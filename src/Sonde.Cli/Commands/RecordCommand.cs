using System.CommandLine;
using System.Runtime.InteropServices;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
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
    /// <summary>Without -o: <c>sonde-YYYYMMDD-HHMMSS.sonde</c> (local time) in the current directory.</summary>
    public static string DefaultOutput(DateTime now) => $"sonde-{now:yyyyMMdd-HHmmss}.sonde";

    public static Command Create(Terminal terminal)
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Where to write the profile; the extension picks the format (default sonde-YYYYMMDD-HHMMSS.sonde, written as the recording runs)",
        };
        var format = new Option<string?>("--format", "-f") { Description = $"Output format: {string.Join(", ", FormatRegistry.Names)}" };
        var rate = new Option<double>("--rate", "-r") { Description = "Samples per second", DefaultValueFactory = _ => 100 };
        var duration = new Option<double?>("--duration", "-d") { Description = "Stop after this many seconds" };
        var idle = new Option<bool>("--idle") { Description = "Also sample threads that are not running" };
        var gil = new Option<bool>("--gil") { Description = "Only sample the thread holding the GIL" };
        var threads = new Option<bool>("--threads") { Description = "Start each stack with a 'thread NAME (TID)' frame" };
        var lines = new Option<bool>("--lines") { Description = "Keep the executing line of each frame instead of merging per function" };
        var pid = CommonOptions.Pid();
        var command = CommonOptions.Command();

        var record = new Command("record", Examples.Describe(
            "Sample a Python program's stacks from outside, without pausing or slowing it, and write a profile. A .sonde " +
            "file (the default) is written as the recording runs, so a recording that is killed keeps all but its last second.",
            "sonde record -- python3 app.py --port 8000",
            "sonde record -o profile.svg -- python3 app.py --port 8000",
            "sonde record -p 4242 -d 30 -o profile.speedscope.json",
            "sonde record -r 1000 --idle --threads -o stacks.folded -- python3 -m mypkg"))
        {
            output, format, rate, duration, idle, gil, threads, lines, pid, command,
        };
        record.SetAction(result => Run(new RecordOptions(
            result.GetValue(output), result.GetValue(format), result.GetValue(rate), result.GetValue(duration),
            result.GetValue(idle), result.GetValue(gil), result.GetValue(threads), result.GetValue(lines),
            result.GetValue(pid), result.GetValue(command) ?? []), terminal));
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
        };

        using var signals = new TerminationSignals();
        using var launched = options.Pid is null ? LaunchedProcess.Start(options.Command) : null;
        var pid = options.Pid ?? launched!.ProcessId;
        var target = launched is null
            ? PythonTarget.Attach(pid)
            : PythonTarget.AttachWhenReady(pid, () => !launched.HasExited, signals.Token);

        var recorder = new ProfileRecorder(pid);
        var metadata = recorder.Profile.Metadata;
        metadata.StartTime = DateTimeOffset.Now;
        metadata.Command = launched?.CommandLine ?? ProcessCommandLine.Read(pid);
        metadata.ProcessId = pid;
        metadata.Host = Environment.MachineName;
        metadata.Sampler.RequestedRateHz = options.Rate;
        metadata.GitCommit = GitCommit.OfProcess(pid);
        // RSS, PSS and threads from /proc, beside the stacks; the growth also weighs the samples (rss-growth).
        using var memorySampler = new ProcessMemorySampler(pid, (metadata.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, recorder.ObserveResident);

        StreamingProfileFile? streaming = null;
        if (target is not null)
        {
            metadata.PythonVersion = target.Binary.Version.ToString();
            metadata.PythonPath = target.Binary.ExecutablePath;
            var sampler = new Sampler(target.Interpreter, samplerOptions, recorder);
            if (writer is NativeWriter) streaming = StreamingProfileFile.Start(outputPath, recorder.Profile, recorder.Lock);
            using (new StatusLine(terminal, sampler.Progress, enabled: true))
            {
                Func<bool> alive = launched is null ? () => Directory.Exists($"/proc/{pid}") : () => !launched.HasExited;
                try
                {
                    sampler.Run(signals.Token, alive);
                }
                catch
                {
                    // What was sampled stays in the file as the last append left it.
                    streaming?.Dispose();
                    throw;
                }
            }
            var progress = sampler.Progress;
            metadata.Duration = progress.Elapsed;
            metadata.Sampler.Ticks = progress.Ticks;
            metadata.Sampler.Samples = progress.Samples;
            metadata.Sampler.Errors = progress.Errors;
            metadata.Sampler.Late = progress.Late;
            metadata.Sampler.CpuTimeNs = progress.SamplerCpuNs;
            metadata.Sampler.AchievedRateHz = progress.Elapsed.TotalSeconds > 0 ? progress.Ticks / progress.Elapsed.TotalSeconds : 0;
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
        return launched?.WaitForExit() ?? ExitCodes.Ok;
    }

    private static void Validate(RecordOptions options)
    {
        if (options.Pid is not null && options.Command.Count > 0)
            throw new UsageException("give either -p PID or a command after --, not both");
        if (options.Pid is null && options.Command.Count == 0)
            throw new UsageException("give a PID with -p PID or a command after --, e.g. sonde record -- python3 app.py");
        if (options.Rate is <= 0 or > 100_000)
            throw new UsageException($"--rate must be between 1 and 100000 samples per second, not {options.Rate}");
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
