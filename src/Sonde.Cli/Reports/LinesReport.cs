using System.Globalization;
using Sonde.Cli.Console;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Reports;

/// <summary>
/// <c>--lines</c>: for each selected function, own and total per line next to the source text when the file
/// can be read (vmprof-style). A short function is shown whole, from its first line to its last sampled one;
/// a long one only at its sampled lines.
/// </summary>
internal static class LinesReport
{
    private const int MaxSpan = 80;

    public static void Write(Terminal terminal, ReportModel model, IReadOnlyList<ReportFunction> functions)
    {
        var lines = Collect(model);
        var unit = ReportUnit.For(model, model.GrandTotal);
        var first = true;
        foreach (var function in functions)
        {
            if (!lines.TryGetValue(function.Function, out var byLine)) continue;
            if (!first) terminal.Out.WriteLine();
            first = false;
            terminal.Out.WriteLine(terminal.Bold(TerminalText.Escape(ReportLabels.Pstats(function.Function))) +
                $"  own {unit.WithUnit(function.Own)} ({ReportUnit.Percent(function.Own, model.GrandTotal)}), total {unit.WithUnit(function.Total)} ({ReportUnit.Percent(function.Total, model.GrandTotal)})");
            var source = SourceFile.TryRead(function.Function.File, model.Files);
            if (source is null) terminal.Out.WriteLine(terminal.Dim("  (source not found)"));

            var table = new TextTable("line", $"own ({unit.Name})", "own%", $"total ({unit.Name})", "total%", "source");
            foreach (var line in ShownLines(function.Function, byLine))
            {
                var text = source is not null && line >= 1 && line <= source.Length ? TerminalText.Escape(source[line - 1].TrimEnd()) : "";
                if (byLine.TryGetValue(line, out var values))
                    table.Add(line.ToString(CultureInfo.InvariantCulture), unit.Format(model.FromWeight(values.Own)), ReportUnit.Percent(model.FromWeight(values.Own), model.GrandTotal),
                        unit.Format(model.FromWeight(values.Total)), ReportUnit.Percent(model.FromWeight(values.Total), model.GrandTotal), text);
                else
                    table.Add(line.ToString(CultureInfo.InvariantCulture), "", "", "", "", text);
            }
            table.Write(terminal, "  ");
        }
    }

    /// <summary>Per function, its lines' own and total weights.</summary>
    public static Dictionary<FunctionKey, SortedDictionary<int, (long Own, long Total)>> Collect(ReportModel model)
    {
        RequireLines(model);
        return LineStatistics.Build(model);
    }

    /// <exception cref="UsageException">The profile kept no executing lines.</exception>
    public static void RequireLines(ReportModel model)
    {
        if (!LineStatistics.HasLines(model.Profile))
            throw new UsageException("--lines: this profile has no line numbers (pstats and folded files keep only functions); record one with 'sonde record -o FILE.sonde'");
    }

    private static IEnumerable<int> ShownLines(FunctionKey function, SortedDictionary<int, (long Own, long Total)> byLine)
    {
        var last = byLine.Keys.Max();
        var start = function.FirstLine > 0 && function.FirstLine <= last ? function.FirstLine : byLine.Keys.Min();
        return last - start < MaxSpan ? Enumerable.Range(start, last - start + 1) : byLine.Keys;
    }
}
