using System.Globalization;
using Sonde.Cli.Console;
using Sonde.Cli.Reports;
using Sonde.Profiles.Diff;

namespace Sonde.Cli.Diff;

/// <summary>`sonde diff`'s table: per function, own and total in BASE and NEW, the change, and whether it is real.</summary>
internal static class DiffTextReport
{
    public static void Write(Terminal terminal, ProfileDiff diff, int limit)
    {
        var measure = diff.Measure;
        var output = terminal.Out;
        output.WriteLine(terminal.Bold($"BASE {Describe(diff.Base)}"));
        output.WriteLine(terminal.Bold($"NEW  {Describe(diff.New)}"));
        output.WriteLine($"compared by {measure.Description}; whole run {DiffValues.Movement(diff.Run, measure)}");
        output.WriteLine(measure.Exact
            ? "the values were measured, not sampled: no sampling error applies, and run-to-run noise is the machine's (docs/diff.md)"
            : $"a change is significant when it passes a z-test with Benjamini-Hochberg adjustment at a false discovery rate of {DiffValues.Percent(100 * diff.FalseDiscoveryRate)} (docs/diff.md)");
        output.WriteLine();

        var rows = limit > 0 ? diff.Functions.Take(limit).ToList() : diff.Functions.ToList();
        if (rows.Count == 0)
        {
            output.WriteLine(terminal.Dim("(no functions to show)"));
            return;
        }
        var table = new TextTable("own BASE", "own NEW", "change", "own share", "significance", "total BASE", "total NEW", "change", "significance", "function");
        foreach (var row in rows)
        {
            table.Add(
                DiffValues.Format(row.Own.Base, measure), DiffValues.Format(row.Own.New, measure), DiffValues.Relative(row.Own),
                $"{DiffValues.Share(row.Own.BaseShare)} → {DiffValues.Share(row.Own.NewShare)}", DiffValues.Significance(row.Own),
                DiffValues.Format(row.Total.Base, measure), DiffValues.Format(row.Total.New, measure), DiffValues.Relative(row.Total),
                DiffValues.Significance(row.Total), TerminalText.Escape(DiffValues.Label(row.Function)));
        }
        table.Write(terminal);
        if (rows.Count < diff.Functions.Count)
            output.WriteLine(terminal.Dim(string.Create(CultureInfo.InvariantCulture, $"({diff.Functions.Count - rows.Count} more; --limit 0 shows all)")));
    }

    private static string Describe(MeasuredProfile profile)
    {
        var samples = profile.Samples > 0 ? string.Create(CultureInfo.InvariantCulture, $"{profile.Samples:N0} samples, ") : "";
        return $"{TerminalText.Escape(profile.Name)}: {samples}{DiffValues.Format(profile.Total, profile.Measure)}";
    }
}
