using Sonde.Cli.Console;
using Sonde.Profiles.Diff;

namespace Sonde.Cli.Diff;

/// <summary>`sonde check`'s verdict on the terminal: the regressions, then what grew beyond the threshold but may be noise.</summary>
internal static class CheckTextReport
{
    private const int MaxListed = 20;

    public static void Write(Terminal terminal, CheckReport report)
    {
        var output = terminal.Out;
        var measure = report.Diff.Measure;
        var regressions = report.Regressions;
        output.WriteLine(report.Failed
            ? terminal.Red(terminal.Bold($"FAILED: {regressions.Count} regression{(regressions.Count == 1 ? "" : "s")} in {TerminalText.Escape(report.Diff.New.Name)} against {TerminalText.Escape(report.Diff.Base.Name)}"))
            : terminal.Green(terminal.Bold($"passed: no regression in {TerminalText.Escape(report.Diff.New.Name)} against {TerminalText.Escape(report.Diff.Base.Name)}")));
        output.WriteLine($"gated: {TerminalText.Escape(report.Scope)}; {report.Rule}");
        output.WriteLine($"whole run: {DiffValues.Movement(report.Diff.Run, measure)}");
        foreach (var item in regressions.Take(MaxListed))
            output.WriteLine($"  {terminal.Red("regressed")}  {Line(report, item)}, {DiffValues.SignificanceWithQ(item.Change)}");
        foreach (var item in report.Unproven.Take(MaxListed))
            output.WriteLine($"  {terminal.Yellow("not significant")}  {Line(report, item)}: within sampling error, {DiffValues.SignificanceWithQ(item.Change)}");
        var left = Math.Max(0, regressions.Count - MaxListed) + Math.Max(0, report.Unproven.Count - MaxListed);
        if (left > 0) output.WriteLine(terminal.Dim($"  ({left} more; --junit lists every one)"));
    }

    private static string Line(CheckReport report, CheckItem item) =>
        $"{TerminalText.Escape(report.Name(item))}: {DiffValues.ValueName(item.Value, report.Diff.Measure)} {DiffValues.Movement(item.Change, report.Diff.Measure)}";
}
