using Sonde.Profiles.Errors;

namespace Sonde.Profiles.Diff;

/// <summary>
/// The CI gate. A value regressed when its estimated growth is beyond the allowed percentage, at least the minimum
/// share of the run, and, for sampled values, significant (the diff's z-test with Benjamini-Hochberg). Cutting at the
/// threshold itself balances the two errors: a true growth well below it rarely fails, one well above it rarely
/// passes (docs/diff.md).
/// </summary>
public static class RegressionCheck
{
    /// <summary>Every gated value, regressions first, then the largest growth.</summary>
    /// <exception cref="UsageException">A function pattern matches no function of either profile.</exception>
    public static IReadOnlyList<CheckItem> Evaluate(ProfileDiff diff, CheckRules rules)
    {
        var items = new List<CheckItem>();
        var minChange = rules.MinChangePercent / 100 * diff.Base.Total;
        if (rules.WholeRun) items.Add(Item(null, CheckedValue.Run, diff.Run, rules.MaxRegressionPercent, 0));
        if (rules.Functions.Count > 0)
        {
            foreach (var pattern in rules.Functions)
            {
                var matched = diff.Functions.Where(f => pattern.IsMatch(f.Function.PstatsLabel)).ToList();
                if (matched.Count == 0)
                    throw new UsageException($"--function '{pattern}' matches no function in BASE or NEW; patterns are regular expressions matched against file:line(function)");
                foreach (var function in matched)
                    if (!items.Any(i => i.Function == function.Function))
                        items.Add(Item(function.Function, CheckedValue.Total, function.Total, rules.MaxRegressionPercent, minChange));
            }
        }
        else if (!rules.WholeRun)
        {
            foreach (var function in diff.Functions)
                items.Add(Item(function.Function, CheckedValue.Own, function.Own, rules.MaxRegressionPercent, minChange));
        }
        return items.OrderBy(i => i.Verdict switch { CheckVerdict.Regressed => 0, CheckVerdict.NotSignificant => 1, _ => 2 })
            .ThenByDescending(i => i.Change.Delta).ToList();
    }

    private static CheckItem Item(FunctionKey? function, CheckedValue value, Change change, double maxPercent, double minChange)
    {
        var verdict = change.Delta <= 0 || change.Delta < minChange || change.Relative * 100 <= maxPercent ? CheckVerdict.Passed
            : change.IsReal ? CheckVerdict.Regressed : CheckVerdict.NotSignificant;
        return new CheckItem(function, value, change, verdict);
    }
}
