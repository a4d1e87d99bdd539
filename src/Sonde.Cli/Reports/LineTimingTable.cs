using System.Globalization;
using Sonde.Cli.Console;
using Sonde.Profiles.Lines;

namespace Sonde.Cli.Reports;

/// <summary>
/// Exact line timings as line_profiler shows them: per function its total time, then every line of its source
/// with Line #, Hits, Time, Per Hit, % Time and Line Contents. A line's time includes the calls it made.
/// Threads and processes are summed.
/// </summary>
internal static class LineTimingTable
{
    public static void Write(Terminal terminal, LineTimingData data)
    {
        var threadsOf = data.Entries.GroupBy(e => e.Function).ToDictionary(g => g.Key, g => g.Select(e => e.ThreadIndex).Distinct().Count());
        var first = true;
        foreach (var function in data.ByFunction())
        {
            if (!first) terminal.Out.WriteLine();
            first = false;
            Write(terminal, function, threadsOf.GetValueOrDefault(function.Function, 1));
        }
    }

    private static void Write(Terminal terminal, FunctionLineTimings function, int threads)
    {
        var key = function.Function;
        var total = function.TotalNs;
        var unit = UnitFor(function.Lines.Count == 0 ? 0 : function.Lines.Max(l => l.TimeNs));
        terminal.Out.WriteLine(terminal.Bold($"Function: {TerminalText.Escape(key.Function)} at line {key.FirstLine} of {TerminalText.Escape(key.File)}"));
        terminal.Out.WriteLine($"Total time: {ReportUnit.Duration(total)}" + (threads > 1 ? $" in {threads} threads" : "") + $"; Time and Per Hit in {unit.Name}");

        var table = new TextTable("Line #", "Hits", "Time", "Per Hit", "% Time", "Line Contents");
        var timed = function.Lines.ToDictionary(l => l.Line);
        var last = Math.Max(key.FirstLine + function.Source.Count - 1, function.Lines.Count == 0 ? 0 : function.Lines.Max(l => l.Line));
        var start = function.Source.Count > 0 ? key.FirstLine : function.Lines.Count == 0 ? 0 : function.Lines.Min(l => l.Line);
        for (var line = start; line <= last && start > 0; line++)
        {
            var text = TerminalText.Escape(function.SourceOf(line) ?? "");
            var number = line.ToString(CultureInfo.InvariantCulture);
            if (timed.TryGetValue(line, out var timing) && timing.Hits > 0)
            {
                table.Add(number, timing.Hits.ToString(CultureInfo.InvariantCulture), unit.Format(timing.TimeNs),
                    unit.Format(timing.TimeNs / timing.Hits), ReportUnit.Percent(timing.TimeNs, total), text);
            }
            else if (function.Source.Count > 0 || timed.ContainsKey(line))
            {
                table.Add(number, "", "", "", "", text);
            }
        }
        table.Write(terminal);
    }

    private static ReportUnit UnitFor(long largest) => largest switch
    {
        >= 10_000_000_000 => new ReportUnit("s", 1e9, 3),
        >= 10_000_000 => new ReportUnit("ms", 1e6, 1),
        _ => new ReportUnit("µs", 1e3, 1),
    };
}
