using Sonde.Profiles.Diff;

namespace Sonde.Cli.Diff;

/// <summary>A check's outcome, as every renderer (text, Markdown, JUnit) reads it.</summary>
internal sealed class CheckReport(ProfileDiff diff, CheckRules rules, IReadOnlyList<CheckItem> items)
{
    public ProfileDiff Diff { get; } = diff;
    public CheckRules Rules { get; } = rules;
    public IReadOnlyList<CheckItem> Items { get; } = items;

    public IReadOnlyList<CheckItem> Regressions => Items.Where(i => i.Verdict == CheckVerdict.Regressed).ToList();

    /// <summary>Beyond the threshold but within sampling error: shown, never failed.</summary>
    public IReadOnlyList<CheckItem> Unproven => Items.Where(i => i.Verdict == CheckVerdict.NotSignificant).ToList();

    public bool Failed => Items.Any(i => i.Verdict == CheckVerdict.Regressed);

    /// <summary>What was gated, e.g. <c>own time of every function</c>.</summary>
    public string Scope
    {
        get
        {
            var noun = Diff.Measure.IsTime ? "time" : Diff.Measure.Unit;
            var parts = new List<string>();
            if (Rules.Functions.Count > 0) parts.Add($"total {noun} of functions matching {string.Join(", ", Rules.Functions.Select(f => $"'{f}'"))}");
            if (Rules.WholeRun) parts.Add($"the whole run's {noun}");
            if (parts.Count == 0) parts.Add($"own {noun} of every function");
            return string.Join(" and ", parts);
        }
    }

    /// <summary>The rule in one sentence, for the head of every report.</summary>
    public string Rule
    {
        get
        {
            var threshold = DiffValues.Percent(Rules.MaxRegressionPercent);
            var noise = Diff.Measure.Exact
                ? "the values were measured, so no sampling error applies"
                : $"and beyond sampling error (Benjamini-Hochberg, false discovery rate {DiffValues.Percent(100 * Diff.FalseDiscoveryRate)})";
            var floor = Rules.Functions.Count > 0 || !Rules.WholeRun ? $", by at least {DiffValues.Percent(Rules.MinChangePercent)} of the baseline's run" : "";
            return Diff.Measure.Exact
                ? $"a regression is growth beyond {threshold}{floor} ({Diff.Measure.Description}; {noise})"
                : $"a regression is growth beyond {threshold}{floor}, {noise} ({Diff.Measure.Description})";
        }
    }

    public string Name(CheckItem item) => item.Function is { } function ? DiffValues.Label(function) : "whole run";
}
