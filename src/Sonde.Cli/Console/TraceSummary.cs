using System.Globalization;
using Sonde.Agent;
using Sonde.Cli.Reports;
using Sonde.Profiles;
using Sonde.Profiles.CallGraph;

namespace Sonde.Cli.Console;

/// <summary>What `trace` prints when it ends: what was traced, the functions with the most own time, the file.</summary>
internal static class TraceSummary
{
    private const int TopFunctions = 10;

    public static void Print(Terminal terminal, Profile profile, TraceResult result, string? outputPath)
    {
        var error = terminal.Error;
        var graph = profile.CallGraph ?? new CallGraphData();
        var processes = result.Processes.Count(p => p.Traced);
        var clock = profile.Metadata.Properties.GetValueOrDefault(TraceProfileBuilder.ClockProperty) == "cpu" ? "CPU time" : "wall clock";
        var counted = profile.Metadata.Properties.GetValueOrDefault(TraceProfileBuilder.CallsProperty) == "no"
            ? "lines only"
            : $"{Numbers.Count(graph.TotalCalls)} calls";
        error.WriteLine($"sonde: traced {Plural(processes, "process", "processes")}, {Plural(profile.Threads.Count, "thread", "threads")}: " +
                        $"{counted} in {Numbers.Seconds(result.Duration.TotalSeconds)} ({clock})");
        foreach (var process in result.Processes)
        {
            if (!process.Traced)
                error.WriteLine(terminal.Yellow($"sonde: process {process.ProcessId} ran untraced: {TerminalText.Escape(process.Description)} is not CPython 3.8+", forError: true));
            else if (process.AgentError is { } problem)
                error.WriteLine(terminal.Yellow($"sonde: process {process.ProcessId}: {TerminalText.Escape(problem)}", forError: true));
            else if (process.End == ProcessEnd.Lost && !process.IsRoot)
                error.WriteLine(terminal.Dim($"sonde: process {process.ProcessId} ended without reporting (killed?); its statistics stop at its last flush", forError: true));
        }
        if (result.Processes.FirstOrDefault(p => p.IsRoot) is { Traced: true, End: ProcessEnd.Lost })
            error.WriteLine(terminal.Dim("sonde: the command ended without reporting (killed?); its statistics stop at its last flush", forError: true));
        if (result.ConnectionsStillOpen)
            error.WriteLine(terminal.Dim("sonde: some processes were still running; their statistics stop at their last flush", forError: true));

        var top = graph.Functions.Where(f => f.Calls > 0).OrderByDescending(f => f.OwnNs).ThenBy(f => f.Function.Label, StringComparer.Ordinal).Take(TopFunctions).ToList();
        if (top.Count > 0)
        {
            var table = new TextTable("own", "total", "calls", "function");
            foreach (var f in top)
            {
                var calls = f.Calls == f.PrimitiveCalls ? Numbers.Count(f.Calls) : $"{Numbers.Count(f.Calls)}/{Numbers.Count(f.PrimitiveCalls)}";
                table.Add(ReportUnit.Duration(f.OwnNs), ReportUnit.Duration(f.TotalNs), calls, TerminalText.Escape(f.Function.Label));
            }
            table.Write(new Terminal(error, error, terminal.ErrorColor, terminal.ErrorIsTty), "  ");
        }
        if (outputPath is not null) error.WriteLine($"sonde: wrote {TerminalText.Escape(outputPath)}");
    }

    private static string Plural(int count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}
