using Sonde.Cli.Console;

namespace Sonde.Cli.Reports;

/// <summary>
/// The flat table: calls (when counted), own and total with their share of the whole, time per call, and
/// <c>file:line(function)</c>. Per call is own/calls and total/primitive calls, as in pstats, each in the unit
/// that suits it, since per-call times span nanoseconds to seconds in one profile.
/// </summary>
internal static class TableReport
{
    public static void Write(Terminal terminal, ReportModel model, IReadOnlyList<ReportFunction> rows)
    {
        if (rows.Count == 0)
        {
            terminal.Out.WriteLine(terminal.Dim("(no functions to show)"));
            return;
        }
        var unit = ReportUnit.For(model, Math.Max(model.GrandTotal, rows.Max(r => r.Total)));

        var headers = new List<string>();
        if (model.HasCalls) headers.Add("calls");
        headers.AddRange([$"own ({unit.Name})", "own%", $"total ({unit.Name})", "total%"]);
        if (model.HasCalls) headers.AddRange(["own/call", "total/call"]);
        headers.Add("function");

        var table = new TextTable([.. headers]);
        foreach (var row in rows)
        {
            var cells = new List<string>();
            if (model.HasCalls) cells.Add(ReportLabels.Calls(row.Calls, row.PrimitiveCalls));
            cells.AddRange([unit.Format(row.Own), ReportUnit.Percent(row.Own, model.GrandTotal), unit.Format(row.Total), ReportUnit.Percent(row.Total, model.GrandTotal)]);
            if (model.HasCalls)
            {
                cells.Add(PerCall(row.Own, row.Calls) is { } ownPerCall ? ReportUnit.Duration(ownPerCall) : "");
                cells.Add(PerCall(row.Total, row.PrimitiveCalls) is { } totalPerCall ? ReportUnit.Duration(totalPerCall) : "");
            }
            cells.Add(TerminalText.Escape(ReportLabels.Pstats(row.Function)));
            table.Add([.. cells]);
        }
        table.Write(terminal);
    }

    private static double? PerCall(long value, long calls) => calls > 0 ? (double)value / calls : null;
}
