using System.Text;
using Sonde.Profiles.Diff;

namespace Sonde.Cli.Diff;

/// <summary>`sonde check --markdown`: the verdict as a pull-request comment, with the gated values that moved most.</summary>
internal static class CheckMarkdown
{
    private const int MaxRows = 15;

    public static void Write(Stream stream, CheckReport report)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 14, leaveOpen: true) { NewLine = "\n" };
        var measure = report.Diff.Measure;
        var regressions = report.Regressions.Count;
        writer.WriteLine(report.Failed
            ? $"## ❌ Sonde: {regressions} performance regression{(regressions == 1 ? "" : "s")}"
            : "## ✅ Sonde: no performance regression");
        writer.WriteLine();
        writer.WriteLine($"Compared {MarkdownText.Escape(report.Diff.New.Name)} with the baseline {MarkdownText.Escape(report.Diff.Base.Name)}. " +
                         $"Gated: {MarkdownText.Escape(report.Scope)}; {MarkdownText.Escape(report.Rule)}.");
        writer.WriteLine();
        writer.WriteLine($"Whole run: {MarkdownText.Escape(DiffValues.Movement(report.Diff.Run, measure))}.");
        writer.WriteLine();

        var rows = report.Items.Where(i => i.Verdict != CheckVerdict.Passed)
            .Concat(report.Items.Where(i => i.Verdict == CheckVerdict.Passed).OrderByDescending(i => Math.Abs(i.Change.Delta)))
            .Take(MaxRows).ToList();
        if (rows.Count == 0) return;
        writer.WriteLine("| | function | value | baseline | new | change | significance |");
        writer.WriteLine("|---|---|---|---:|---:|---:|---|");
        foreach (var item in rows)
        {
            var mark = item.Verdict switch { CheckVerdict.Regressed => "❌", CheckVerdict.NotSignificant => "⚠️", _ => "" };
            writer.WriteLine($"| {mark} | {MarkdownText.Escape(report.Name(item))} | {DiffValues.ValueName(item.Value, measure)} | " +
                             $"{DiffValues.Format(item.Change.Base, measure)} | {DiffValues.Format(item.Change.New, measure)} | " +
                             $"{MarkdownText.Escape(DiffValues.Relative(item.Change))} | {MarkdownText.Escape(DiffValues.SignificanceWithQ(item.Change))} |");
        }
        if (report.Items.Count > rows.Count)
        {
            writer.WriteLine();
            writer.WriteLine($"{report.Items.Count - rows.Count} more values were within the threshold.");
        }
    }
}
