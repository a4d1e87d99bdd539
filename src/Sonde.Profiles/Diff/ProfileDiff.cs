using Sonde.Profiles.Errors;

namespace Sonde.Profiles.Diff;

/// <summary>
/// Two profiles compared function by function. Functions are matched by their key (name, file, first line), so a
/// function that moved to another line counts as one that went and one that came. For sampled profiles each own
/// and each total difference gets a z-test, and the p-values of all functions are adjusted with Benjamini-Hochberg,
/// own and total separately; docs/diff.md gives the method and its assumptions.
/// </summary>
public sealed class ProfileDiff
{
    /// <summary>The false discovery rate a change must pass by default: strict, so that a CI gate seldom cries wolf.</summary>
    public const double DefaultFalseDiscoveryRate = 0.001;

    private ProfileDiff(MeasuredProfile baseProfile, MeasuredProfile newProfile, double falseDiscoveryRate, IReadOnlyList<FunctionDiff> functions, Change run)
    {
        Base = baseProfile;
        New = newProfile;
        FalseDiscoveryRate = falseDiscoveryRate;
        Functions = functions;
        Run = run;
    }

    public MeasuredProfile Base { get; }
    public MeasuredProfile New { get; }
    public DiffMeasure Measure => Base.Measure;
    public double FalseDiscoveryRate { get; }

    /// <summary>Every function of either profile, largest own change first.</summary>
    public IReadOnlyList<FunctionDiff> Functions { get; }

    /// <summary>The whole run. Its value is measured, not estimated from how samples fall, so no sampling error applies.</summary>
    public Change Run { get; }

    /// <summary>
    /// Chooses how to measure two profiles (see <see cref="DiffMeasure.Choose"/>), measures them and compares them.
    /// The names are what the user called the profiles; errors quote them.
    /// </summary>
    /// <exception cref="UsageException">The profiles can't be compared (different modes or kinds of weight).</exception>
    /// <exception cref="BadInputException">A profile holds nothing to compare.</exception>
    public static ProfileDiff Of(Profile baseProfile, string baseName, Profile newProfile, string newName,
        string? weight = null, double falseDiscoveryRate = DefaultFalseDiscoveryRate)
    {
        var measure = DiffMeasure.Choose(baseProfile, baseName, newProfile, newName, weight);
        var measuredBase = RequireContent(MeasuredProfile.Of(baseProfile, baseName, measure), "BASE");
        var measuredNew = RequireContent(MeasuredProfile.Of(newProfile, newName, measure), "NEW");
        return Compare(measuredBase, measuredNew, falseDiscoveryRate);
    }

    private static MeasuredProfile RequireContent(MeasuredProfile profile, string role)
    {
        if (profile.Total > 0) return profile;
        var what = profile.Measure.WeightName is { } weight ? $"no {weight}" : profile.Measure.IsTime ? "no time" : "nothing";
        throw new BadInputException($"{role} '{profile.Name}' is empty ({what} in it); record the program for longer, or check that it ran");
    }

    /// <summary>Compares two profiles, measured with the same <see cref="DiffMeasure"/>.</summary>
    public static ProfileDiff Compare(MeasuredProfile baseProfile, MeasuredProfile newProfile, double falseDiscoveryRate = DefaultFalseDiscoveryRate)
    {
        if (baseProfile.Measure != newProfile.Measure) throw new ArgumentException("The profiles were measured differently.", nameof(newProfile));
        if (falseDiscoveryRate is <= 0 or >= 1 || double.IsNaN(falseDiscoveryRate))
            throw new ArgumentOutOfRangeException(nameof(falseDiscoveryRate), "The false discovery rate is between 0 and 1.");
        var keys = baseProfile.Functions.Select(f => f.Function).Union(newProfile.Functions.Select(f => f.Function)).ToList();
        var pairs = keys.Select(k => (Base: baseProfile[k], New: newProfile[k])).ToList();
        var exact = baseProfile.Measure.Exact;
        var own = Tests(pairs.Select(p => (p.Base.Own, p.Base.OwnVariance, p.New.Own, p.New.OwnVariance)).ToList(), exact);
        var total = Tests(pairs.Select(p => (p.Base.Total, p.Base.TotalVariance, p.New.Total, p.New.TotalVariance)).ToList(), exact);

        var functions = new List<FunctionDiff>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var (b, n) = pairs[i];
            functions.Add(new FunctionDiff(keys[i],
                MakeChange(b.Own, n.Own, baseProfile.Total, newProfile.Total, own[i], falseDiscoveryRate),
                MakeChange(b.Total, n.Total, baseProfile.Total, newProfile.Total, total[i], falseDiscoveryRate)));
        }
        functions.Sort((x, y) =>
        {
            var byOwn = Math.Abs(y.Own.Delta).CompareTo(Math.Abs(x.Own.Delta));
            if (byOwn != 0) return byOwn;
            var byTotal = Math.Abs(y.Total.Delta).CompareTo(Math.Abs(x.Total.Delta));
            return byTotal != 0 ? byTotal : string.CompareOrdinal(x.Function.Label, y.Function.Label);
        });
        var run = new Change(baseProfile.Total, newProfile.Total, 1, 1, null, null, null, ChangeSignificance.Measured);
        return new ProfileDiff(baseProfile, newProfile, falseDiscoveryRate, functions, run);
    }

    /// <summary>The z, p and q of each difference; all null when the profiles are exact.</summary>
    private static (double? Z, double? P, double? Q)[] Tests(List<(double Base, double BaseVariance, double New, double NewVariance)> values, bool exact)
    {
        var result = new (double? Z, double? P, double? Q)[values.Count];
        if (exact) return result;
        var p = new double[values.Count];
        var z = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var (b, bv, n, nv) = values[i];
            var delta = n - b;
            var sd = Math.Sqrt(bv + nv);
            // No variance at all means the share was 0 or 1 in both runs: nothing left to chance, so any difference is real.
            z[i] = sd > 0 ? delta / sd : delta == 0 ? 0 : Math.CopySign(double.PositiveInfinity, delta);
            p[i] = Significance.TwoSidedP(z[i]);
        }
        var q = Significance.BenjaminiHochberg(p);
        for (var i = 0; i < values.Count; i++) result[i] = (z[i], p[i], q[i]);
        return result;
    }

    private static Change MakeChange(double b, double n, double baseTotal, double newTotal, (double? Z, double? P, double? Q) test, double rate)
    {
        var significance = test.Q is not { } q ? ChangeSignificance.Measured
            : q <= rate && b != n ? ChangeSignificance.Significant : ChangeSignificance.NotSignificant;
        return new Change(b, n, baseTotal > 0 ? b / baseTotal : 0, newTotal > 0 ? n / newTotal : 0, test.Z, test.P, test.Q, significance);
    }
}
