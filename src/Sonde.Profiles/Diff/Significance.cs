namespace Sonde.Profiles.Diff;

/// <summary>
/// The statistics a diff needs: the normal distribution's two-sided tail and the Benjamini-Hochberg adjustment.
/// .NET has no erfc, so it is computed here: a Taylor series near zero and a continued fraction in the tails,
/// each used where it converges fast, both to about 1e-15 relative error.
/// </summary>
public static class Significance
{
    /// <summary>P(|Z| ≥ |z|) for a standard normal Z.</summary>
    public static double TwoSidedP(double z)
    {
        if (double.IsNaN(z)) return 1;
        return Math.Min(1, Erfc(Math.Abs(z) / Math.Sqrt(2)));
    }

    /// <summary>The complementary error function, 1 - erf(x).</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2 - Erfc(-x);
        if (x < 2) return 1 - ErfSeries(x);
        if (x > 27) return 0;
        return ErfcContinuedFraction(x);
    }

    /// <summary>erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1)); alternating, so stopped when a term no longer counts.</summary>
    private static double ErfSeries(double x)
    {
        var x2 = x * x;
        double sum = 0, power = x;
        for (var n = 0; n < 200; n++)
        {
            var term = power / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-17 * Math.Abs(sum)) break;
            power *= -x2 / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>
    /// erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated with the modified
    /// Lentz method; for x ≥ 2 it settles in a few dozen terms.
    /// </summary>
    private static double ErfcContinuedFraction(double x)
    {
        const double tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var k = 1; k < 500; k++)
        {
            var a = k / 2.0;
            d = x + a * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = x + a / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>
    /// Benjamini-Hochberg adjusted p-values (q-values): the smallest false discovery rate at which each hypothesis
    /// would be rejected. q(i) = min over j ≥ i of p(j)·m/j, p sorted ascending, capped at 1. Rejecting every
    /// hypothesis with q ≤ α keeps the expected share of false rejections among the rejections at most α.
    /// </summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        var running = 1.0;
        for (var rank = m; rank >= 1; rank--)
        {
            var i = order[rank - 1];
            running = Math.Min(running, pValues[i] * m / rank);
            adjusted[i] = running;
        }
        return adjusted;
    }
}
