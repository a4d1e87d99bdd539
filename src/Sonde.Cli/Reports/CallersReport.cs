using System.Text.RegularExpressions;
using Sonde.Cli.Console;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Reports;

/// <summary>
/// <c>--callers FUNC</c> and <c>--callees FUNC</c>: for each function whose <c>file:line(function)</c> matches,
/// the functions that called it or that it called, with the calls and the callee's own and total time over
/// those calls.
/// </summary>
internal static class CallersReport
{
    public static void Write(Terminal terminal, ReportModel model, Regex pattern, bool callers, ReportSort sort, int limit)
    {
        var matches = Matches(model, pattern, sort, limit, callers ? "--callers" : "--callees");
        var unit = ReportUnit.For(model, model.GrandTotal);
        var byFunction = model.Edges.ToLookup(e => callers ? e.Callee : e.Caller);
        var first = true;
        foreach (var function in matches)
        {
            if (!first) terminal.Out.WriteLine();
            first = false;
            terminal.Out.WriteLine(terminal.Bold(TerminalText.Escape(ReportLabels.Pstats(function.Function))) + "  " + Summary(model, unit, function));
            terminal.Out.WriteLine(callers ? "  called by:" : "  calls:");
            var edges = byFunction[function.Function]
                .OrderByDescending(e => e.Total).ThenByDescending(e => e.Own)
                .ThenBy(e => ReportLabels.Pstats(callers ? e.Caller : e.Callee), StringComparer.Ordinal)
                .ToList();
            if (edges.Count == 0)
            {
                terminal.Out.WriteLine(terminal.Dim(callers ? "    (no callers: called from outside the profile)" : "    (calls nothing in the profile)"));
                continue;
            }
            var headers = new List<string>();
            if (model.HasCalls) headers.Add("calls");
            headers.AddRange([$"own ({unit.Name})", $"total ({unit.Name})", callers ? "caller" : "callee"]);
            var table = new TextTable([.. headers]);
            foreach (var edge in edges)
            {
                var cells = new List<string>();
                if (model.HasCalls) cells.Add(ReportLabels.Calls(edge.Calls, edge.PrimitiveCalls));
                cells.AddRange([unit.Format(edge.Own), unit.Format(edge.Total), TerminalText.Escape(ReportLabels.Pstats(callers ? edge.Caller : edge.Callee))]);
                table.Add([.. cells]);
            }
            table.Write(terminal, "    ");
        }
    }

    /// <summary>The functions a pattern names, in report order.</summary>
    /// <exception cref="UsageException">Nothing matches.</exception>
    public static List<ReportFunction> Matches(ReportModel model, Regex pattern, ReportSort sort, int limit, string option)
    {
        var matches = ReportSelection.Select(model.Functions, sort, pattern, limit);
        if (matches.Count == 0)
            throw new UsageException($"{option}: no function matches '{TerminalText.Escape(pattern.ToString())}'; the pattern is a regular expression searched in file:line(function)");
        return matches;
    }

    private static string Summary(ReportModel model, ReportUnit unit, ReportFunction function)
    {
        var text = $"own {unit.WithUnit(function.Own)} ({ReportUnit.Percent(function.Own, model.GrandTotal)}), " +
                   $"total {unit.WithUnit(function.Total)} ({ReportUnit.Percent(function.Total, model.GrandTotal)})";
        return model.HasCalls ? text + $", {ReportLabels.Calls(function.Calls, function.PrimitiveCalls)} calls" : text;
    }
}
