using System.Globalization;
using Sonde.Cli.Console;
using Sonde.Profiles.Lines;

namespace Sonde.Cli.Reports;

/// <summary>
/// Per-line memory increments as memory_profiler shows them: per function the bytes its lines added, then every
/// line of its source with Line #, Hits, Increment (traced bytes added, net of those freed) and Line Contents.
/// </summary>
internal static class MemoryLineTable
{
    public static void Write(Terminal terminal, LineTimingData data)
    {
        var first = true;
        foreach (var function in data.ByFunction())
        {
            if (!first) terminal.Out.WriteLine();
            first = false;
            var key = function.Function;
            terminal.Out.WriteLine(terminal.Bold($"Function: {TerminalText.Escape(key.Function)} at line {key.FirstLine} of {TerminalText.Escape(key.File)}"));
            terminal.Out.WriteLine($"Total increment: {MemorySummary.Bytes(function.Lines.Sum(l => l.TimeNs))}");
            var table = new TextTable("Line #", "Hits", "Increment", "Line Contents");
            var measured = function.Lines.ToDictionary(l => l.Line);
            var start = function.Source.Count > 0 ? key.FirstLine : function.Lines.Count == 0 ? 0 : function.Lines.Min(l => l.Line);
            var last = Math.Max(key.FirstLine + function.Source.Count - 1, function.Lines.Count == 0 ? 0 : function.Lines.Max(l => l.Line));
            for (var line = start; line <= last && start > 0; line++)
            {
                var text = TerminalText.Escape(function.SourceOf(line) ?? "");
                var number = line.ToString(CultureInfo.InvariantCulture);
                if (measured.TryGetValue(line, out var increment) && increment.Hits > 0)
                    table.Add(number, increment.Hits.ToString(CultureInfo.InvariantCulture), MemorySummary.Bytes(increment.TimeNs), text);
                else if (function.Source.Count > 0 || measured.ContainsKey(line))
                    table.Add(number, "", "", text);
            }
            table.Write(terminal);
        }
    }
}
