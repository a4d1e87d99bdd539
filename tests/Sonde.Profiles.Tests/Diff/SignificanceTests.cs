using System.Globalization;
using Sonde.Profiles.Diff;

namespace Sonde.Profiles.Tests.Diff;

public sealed class SignificanceTests
{
    private static readonly double[] _points = [0, 1e-8, 0.1, 0.5, 1, 1.5, 1.999, 2, 2.001, 2.5, 3, 3.5, 4, 5, 6, 8, 10, 15, 26, -0.3, -2.5];

    [Fact]
    public void Erfc_matches_pythons_math_erfc()
    {
        var expected = PythonReference.Numbers(
            $"import math\nfor x in [{string.Join(", ", _points.Select(Invariant))}]: print(repr(math.erfc(x)))");

        for (var i = 0; i < _points.Length; i++)
        {
            var actual = Significance.Erfc(_points[i]);
            Assert.True(Math.Abs(actual - expected[i]) <= 1e-13 * Math.Abs(expected[i]) + 1e-300,
                $"erfc({_points[i]}) = {actual:R}, Python says {expected[i]:R}");
        }
    }

    [Fact]
    public void Two_sided_p_matches_the_normal_distribution_of_pythons_statistics_module()
    {
        double[] zs = [0, 0.5, 1.0, 1.959963984540054, 2.5758293035489, 3.290526731491926, 4, -2, 6];
        var expected = PythonReference.Numbers(
            $"from statistics import NormalDist\nfor z in [{string.Join(", ", zs.Select(Invariant))}]: print(repr(2 * NormalDist().cdf(-abs(z))))");

        for (var i = 0; i < zs.Length; i++)
            Assert.True(Math.Abs(Significance.TwoSidedP(zs[i]) - expected[i]) <= 1e-9 * expected[i] + 1e-15,
                $"p({zs[i]}) = {Significance.TwoSidedP(zs[i]):R}, Python says {expected[i]:R}");
        // The textbook critical values: 5%, 1% and 0.1% two-sided.
        Assert.Equal(0.05, Significance.TwoSidedP(1.959963984540054), 12);
        Assert.Equal(0.01, Significance.TwoSidedP(2.5758293035489), 12);
        Assert.Equal(0.001, Significance.TwoSidedP(3.290526731491926), 12);
    }

    [Fact]
    public void Benjamini_hochberg_rejects_four_of_the_fifteen_hypotheses_of_the_original_paper()
    {
        // Benjamini & Hochberg (1995), section 4: fifteen p-values from a thrombolysis trial. At a false discovery
        // rate of 0.05 the step-up procedure rejects the four smallest (p(4) = 0.0095 ≤ 4·0.05/15, p(5) = 0.0201 > 5·0.05/15 ...).
        double[] p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000];

        var q = Significance.BenjaminiHochberg(p);

        Assert.Equal([true, true, true, true, false, false, false, false, false, false, false, false, false, false, false], q.Select(v => v <= 0.05));
        // Bonferroni would have kept only three (0.0019·15 = 0.0285 ≤ 0.05, 0.0095·15 > 0.05): BH is the less conservative.
        Assert.Equal(3, p.Count(v => v * p.Length <= 0.05));
    }

    [Fact]
    public void Benjamini_hochberg_matches_an_independent_python_implementation_in_any_order_and_with_ties()
    {
        double[] p = [0.04, 0.001, 0.5, 0.04, 0.2, 0.0005, 1, 0.03, 0.049, 0.3, 0.001, 0.9];
        var expected = PythonReference.Numbers($$"""
            p = [{{string.Join(", ", p.Select(Invariant))}}]
            m = len(p)
            ranked = sorted(range(m), key=lambda i: p[i])
            q = [0.0] * m
            for position, i in enumerate(ranked):
                q[i] = min(1.0, min(p[j] * m / (later + 1) for later, j in enumerate(ranked) if later >= position))
            for v in q: print(repr(v))
            """);

        var actual = Significance.BenjaminiHochberg(p);

        for (var i = 0; i < p.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
