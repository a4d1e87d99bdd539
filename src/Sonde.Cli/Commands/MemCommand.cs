using System.CommandLine;
using System.Runtime.InteropServices;
using Sonde.Agent;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Cli.Metrics;
using Sonde.Cli.Output;
using Sonde.Cli.Reports;
using Sonde.Cli.Targets;
using Sonde.Formats;
using Sonde.Metrics;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Memory;

namespace Sonde.Cli.Commands;

/// <summary>
/// `sonde mem`: runs a Python command with Sonde's agent measuring memory (a sampling allocator hook, or tracemalloc) and garbage collection
/// (gc.callbacks) in every Python process it starts, samples RSS from outside, and writes a memory profile.
/// </summary>
internal static class MemCommand
{
    public const string DefaultOutput = "memory.sonde";

    private static readonly TimeSpan _childGrace = TimeSpan.FromSeconds(2);

    public static Command Create(Terminal terminal)
    {
        var output = CommonOptions.ProfileOutput(DefaultOutput);
        var format = CommonOptions.Format();
        var weight = new Option<string?>("--weight") { Description = "What sizes the stacks of a flame graph, pprof or speedscope file: alloc-bytes (default), alloc-count, peak or leaked" };
        var depth = new Option<int>("--depth") { Description = "Frames kept per sampled allocation (per allocation with --tracemalloc, where deeper costs more)", DefaultValueFactory = _ => 16 };
        var sampleBytes = new Option<int>("--sample-bytes")
        {
            Description = "The allocator hook records one allocation per this many bytes on average, and every allocation this large (docs/memory.md)",
            DefaultValueFactory = _ => 512 * 1024,
            HelpName = "BYTES",
        };
        var tracemalloc = new Option<bool>("--tracemalloc") { Description = "Trace every allocation with tracemalloc instead: exact, and 7-20x slower" };
        var threshold = new Option<int>("--sample-threshold") { Description = "Stacks with fewer bytes are sent as a weighted sample (docs/memory.md); 0 sends every stack", DefaultValueFactory = _ => 4096, HelpName = "BYTES" };
        var snapshot = new Option<double>("--snapshot-interval") { Description = "Least seconds between periodic snapshots of the live allocations", DefaultValueFactory = _ => 1.0, HelpName = "SECONDS" };
        var objects = new Option<bool>("--objects") { Description = "Also count tracked objects by type now and then (gc.get_objects()), and show a reference chain to the type that grew most" };
        var lines = new Option<string[]>("--lines")
        {
            Description = "Measure the memory each line of the functions MODULE:FUNC names adds (globs allowed; repeatable)",
            HelpName = "MODULE:FUNC",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = CommonOptions.PythonCommand();
        var metrics = new Option<string?>("--metrics") { Description = "While it runs, serve its GC and tracemalloc metrics to Prometheus at ADDRESS:PORT/metrics (docs/metrics.md)", HelpName = "ADDRESS:PORT" };

        var mem = new Command("mem", Examples.Describe(
            "Run a Python command and measure its memory: allocations by stack and line, the stacks live at peak, what is still live at exit, the traced-memory and RSS timelines, and every garbage collection.",
            "sonde mem -- python3 app.py",
            "sonde mem -o alloc.svg -- python3 app.py",
            "sonde mem --weight leaked -o leaks.svg -- python3 -m pytest tests/",
            "sonde mem --depth 32 -o mem.pb.gz -- python3 worker.py",
            "sonde mem --sample-bytes 65536 -- python3 app.py",
            "sonde mem --tracemalloc -- python3 app.py",
            "sonde mem --objects -- python3 server.py",
            "sonde mem --lines app:load_data -- python3 app.py",
            "sonde report memory.sonde --metric peak",
            "sonde mem --metrics 127.0.0.1:9464 -- python3 server.py"))
        {
            output, format, weight, depth, sampleBytes, tracemalloc, threshold, snapshot, objects, lines, metrics, command,
        };
        var history = HistoryOptions.AddTo(mem);
        mem.SetAction(result => Run(new MemOptions(
            result.GetValue(output), result.GetValue(format), result.GetValue(weight), result.GetValue(depth), result.GetValue(threshold),
            result.GetValue(snapshot), result.GetValue(objects), result.GetValue(lines) ?? [], result.GetValue(command) ?? [], history.Bind(result),
            result.GetValue(tracemalloc), result.GetValue(sampleBytes), result.GetValue(metrics)), terminal));
        return mem;
    }

    internal static int Run(MemOptions options, Terminal terminal)
    {
        var agentOptions = AgentOptionsFrom(options);
        var outputPath = options.Output ?? DefaultOutput;
        var writer = ProfileOutput.WriterFor(outputPath, options.Format);
        var weightIndex = options.Weight is null ? 0 : Array.FindIndex(MemoryProfileBuilder.WeightTypes, w => w.Name == MemoryMetric.WeightName(options.Weight, "--weight"));
        if (weightIndex < 0) throw new UsageException($"--weight {TerminalText.Escape(options.Weight!)}: choose alloc-bytes, alloc-count, peak or leaked");

        using var signals = new TerminationSignals();
        if (options.Metrics is not null) ListenAddress.Parse(options.Metrics);
        using var session = TraceSession.Start(options.Command, agentOptions);
        using var metricsServer = options.Metrics is null ? null : AgentMetricsServer.Start(options.Metrics, session);
        var origin = (session.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        using var sampler = new ProcessMemorySampler(session.ProcessId, origin);
        if (!session.WaitForExit(signals.Token))
        {
            if (signals.Received is { } signal && signal != PosixSignal.SIGINT) session.Signal(signal);
            session.WaitForExit(CancellationToken.None);
        }
        TraceResult? result = null;
        TargetException? failure = null;
        try
        {
            result = session.Finish(_childGrace);
        }
        catch (TargetException e)
        {
            failure = e;
        }
        var profile = result is not null ? MemoryProfileBuilder.Build(result, agentOptions) : Unmeasured(options, session, agentOptions);
        sampler.AddTo(profile.Memory!);
        // Whatever was collected is written, even when the run failed.
        ProfileOutput.Write(profile, outputPath, writer, WriteOptions.Default with { WeightIndex = weightIndex });
        if (failure is not null)
        {
            terminal.Error.WriteLine($"sonde: wrote {TerminalText.Escape(outputPath)} (RSS only)");
            throw failure;
        }
        MemorySummary.Print(terminal, profile, result!, outputPath);
        RecordingHistory.Save(terminal, profile, options.History ?? HistoryChoice.Default);
        if (profile.Memory?.LineIncrements is { Entries.Count: > 0 } increments)
        {
            terminal.Error.WriteLine();
            MemoryLineTable.Write(new Terminal(terminal.Error, terminal.Error, terminal.ErrorColor, terminal.ErrorIsTty), increments);
        }
        return ExitCodeOf(terminal, result!);
    }

    /// <summary>
    /// The target's own code, except when tracemalloc could not run at all (3). A target killed by a signal keeps
    /// its 128+N code, and the summary says what was kept.
    /// </summary>
    private static int ExitCodeOf(Terminal terminal, TraceResult result)
    {
        var root = result.Processes.FirstOrDefault(p => p.IsRoot);
        if (root?.Memory is { Unavailable: true, Problem: { } problem })
        {
            terminal.Error.WriteLine(terminal.Red($"sonde: {TerminalText.Escape(problem)}; the profile holds RSS and garbage collections only", forError: true));
            if (result.ExitCode == ExitCodes.Ok) return ExitCodes.TargetUnreadable;
        }
        return result.ExitCode;
    }

    private static Profile Unmeasured(MemOptions options, TraceSession session, AgentOptions agentOptions)
    {
        var profile = new Profile(MemoryProfileBuilder.WeightTypes);
        profile.Metadata.Mode = ProfileMode.Memory;
        profile.Metadata.Command = string.Join(' ', options.Command);
        profile.Metadata.ProcessId = session.ProcessId;
        profile.Metadata.StartTime = session.StartTime;
        profile.Metadata.Duration = DateTimeOffset.Now - session.StartTime;
        profile.Memory = new MemoryData();
        profile.Memory.Totals[MemoryProfileBuilder.OriginTotal] = (session.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        profile.Memory.Totals[MemoryData.DepthTotal] = agentOptions.MemoryDepth;
        return profile;
    }

    private static AgentOptions AgentOptionsFrom(MemOptions options)
    {
        if (options.Command.Count == 0) throw new UsageException("give the command to measure after --, e.g. sonde mem -- python3 app.py");
        if (options.Lines.Count > ushort.MaxValue) throw new UsageException("too many --lines patterns");
        if (options.Depth is < 1 or > 1000) throw new UsageException("--depth must be between 1 and 1000 frames");
        if (options.SampleBytes < 1) throw new UsageException("--sample-bytes must be at least 1 byte (1 records every allocation)");
        if (options.SampleThreshold < 0) throw new UsageException("--sample-threshold must be 0 (send every stack) or more bytes");
        if (options.SnapshotSeconds is < 0.05 or > 3600 || double.IsNaN(options.SnapshotSeconds))
            throw new UsageException("--snapshot-interval must be between 0.05 and 3600 seconds");
        return new AgentOptions
        {
            Mode = AgentMode.Memory,
            MemoryDepth = options.Depth,
            Tracemalloc = options.Tracemalloc,
            SampleBytes = options.SampleBytes,
            SampleThreshold = options.SampleThreshold,
            SnapshotInterval = TimeSpan.FromSeconds(options.SnapshotSeconds),
            Objects = options.Objects,
            LinePatterns = options.Lines.Select(LinePattern.Parse).ToList(),
        };
    }
}
