using System.CommandLine;
using System.Runtime.InteropServices;
using Sonde.Agent;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Cli.Output;
using Sonde.Cli.Reports;
using Sonde.Cli.Targets;
using Sonde.Formats;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Commands;

/// <summary>
/// `sonde trace`: runs a Python command with Sonde's agent inside every Python process it starts, and records
/// exact call counts and times for every thread (and, with --lines, per-line timings), then writes a profile.
/// </summary>
internal static class TraceCommand
{
    public const string DefaultOutput = "profile.sonde";

    /// <summary>How long children that outlive the command get to send their last report.</summary>
    private static readonly TimeSpan _childGrace = TimeSpan.FromSeconds(2);

    public static Command Create(Terminal terminal)
    {
        var output = CommonOptions.ProfileOutput(DefaultOutput);
        var format = CommonOptions.Format();
        var clock = new Option<string>("--clock") { Description = "Time with the wall clock or each thread's CPU time", DefaultValueFactory = _ => "wall", HelpName = "wall|cpu" };
        var noBuiltins = new Option<bool>("--no-builtins") { Description = "Don't count calls to built-in (C) functions" };
        var lines = new Option<string[]>("--lines")
        {
            Description = "Time every line of the functions MODULE:FUNC names (globs allowed; repeatable)",
            HelpName = "MODULE:FUNC",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var linesOnly = new Option<bool>("--lines-only") { Description = "With --lines: time only those lines and count no calls, for the least overhead elsewhere" };
        var command = CommonOptions.PythonCommand();

        var trace = new Command("trace", Examples.Describe(
            "Run a Python command and record exact call counts and times of every function in every thread and process, like cProfile for the whole program; optionally time lines like line_profiler.",
            "sonde trace -- python3 app.py --port 8000",
            "sonde trace -o run.prof -- python3 -m pytest tests/",
            "sonde trace --clock cpu --no-builtins -o cpu.prof -- python3 worker.py",
            "sonde trace --lines app:parse --lines 'mypkg.*:Handler.*' -- python3 app.py",
            "sonde trace --lines-only --lines app:parse -- python3 app.py"))
        {
            output, format, clock, noBuiltins, lines, linesOnly, command,
        };
        var history = HistoryOptions.AddTo(trace);
        trace.SetAction(result => Run(new TraceOptions(
            result.GetValue(output), result.GetValue(format), result.GetValue(clock)!, result.GetValue(noBuiltins),
            result.GetValue(lines) ?? [], result.GetValue(linesOnly), result.GetValue(command) ?? [], history.Bind(result)), terminal));
        return trace;
    }

    internal static int Run(TraceOptions options, Terminal terminal)
    {
        var agentOptions = AgentOptionsFrom(options);
        var outputPath = options.Output ?? DefaultOutput;
        var writer = ProfileOutput.WriterFor(outputPath, options.Format);

        using var signals = new TerminationSignals();
        using var session = TraceSession.Start(options.Command, agentOptions);
        if (!session.WaitForExit(signals.Token))
        {
            if (signals.Received is { } signal) ForwardSignal(session, signal);
            session.WaitForExit(CancellationToken.None);
        }
        var result = session.Finish(_childGrace);
        var profile = TraceProfileBuilder.Build(result, agentOptions);
        ProfileOutput.Write(profile, outputPath, writer, WriteOptions.Default);
        TraceSummary.Print(terminal, profile, result, outputPath);
        RecordingHistory.Save(terminal, profile, options.History ?? HistoryChoice.Default);

        var exitCode = result.ExitCode;
        if (profile.LineTimings is { } timings)
        {
            var errorTerminal = new Terminal(terminal.Error, terminal.Error, terminal.ErrorColor, terminal.ErrorIsTty);
            if (timings.Entries.Count > 0)
            {
                terminal.Error.WriteLine();
                LineTimingTable.Write(errorTerminal, timings);
            }
            var uncalled = UncalledPatterns(agentOptions, result);
            foreach (var pattern in uncalled)
                terminal.Error.WriteLine(terminal.Red($"sonde: --lines {TerminalText.Escape(pattern.ToString())} matched no function that was called; check the module and function names (MODULE:FUNC, globs allowed)", forError: true));
            if (uncalled.Count > 0 && exitCode == ExitCodes.Ok) exitCode = ExitCodes.Usage;
        }
        return exitCode;
    }

    private static AgentOptions AgentOptionsFrom(TraceOptions options)
    {
        if (options.Command.Count == 0)
            throw new UsageException("give the command to trace after --, e.g. sonde trace -- python3 app.py");
        var clock = options.Clock switch
        {
            "wall" => TraceClock.Wall,
            "cpu" => TraceClock.Cpu,
            _ => throw new UsageException($"--clock takes wall or cpu, not '{TerminalText.Escape(options.Clock)}'"),
        };
        if (options.Lines.Count > ushort.MaxValue) throw new UsageException("too many --lines patterns");
        if (options.LinesOnly && options.Lines.Count == 0)
            throw new UsageException("--lines-only needs the functions to time: add --lines MODULE:FUNC");
        return new AgentOptions
        {
            Clock = clock,
            Builtins = !options.NoBuiltins,
            Calls = !options.LinesOnly,
            LinePatterns = options.Lines.Select(LinePattern.Parse).ToList(),
        };
    }

    private static List<LinePattern> UncalledPatterns(AgentOptions options, TraceResult result)
    {
        var matched = result.Processes.SelectMany(p => p.LineFunctions).SelectMany(f => f.PatternIndexes).ToHashSet();
        return options.LinePatterns.Where((_, index) => !matched.Contains(index)).ToList();
    }

    /// <summary>
    /// SIGTERM or SIGHUP meant for Sonde goes on to the command. SIGINT does not: Ctrl-C reaches the command
    /// through the terminal's process group, as it would without Sonde, and a program that handles it and goes
    /// on must not get a second one; Sonde just waits for the command to end.
    /// </summary>
    private static void ForwardSignal(TraceSession session, PosixSignal signal)
    {
        if (signal != PosixSignal.SIGINT) session.Signal(signal);
    }
}
