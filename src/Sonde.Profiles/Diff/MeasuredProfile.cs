using Sonde.Profiles.Views;

namespace Sonde.Profiles.Diff;

/// <summary>
/// A profile reduced to what a diff compares: each function's own and total value and how uncertain it is, the
/// whole run's value, and which sample weight its stacks are drawn with.
/// </summary>
public sealed class MeasuredProfile
{
    private readonly Dictionary<FunctionKey, MeasuredFunction> _functions;

    internal MeasuredProfile(Profile profile, string name, DiffMeasure measure, int stackWeightIndex, double unitsPerWeight,
        double total, long samples, IEnumerable<MeasuredFunction> functions)
    {
        Profile = profile;
        Name = name;
        Measure = measure;
        StackWeightIndex = stackWeightIndex;
        UnitsPerWeight = unitsPerWeight;
        Total = total;
        Samples = samples;
        _functions = functions.ToDictionary(f => f.Function);
    }

    public Profile Profile { get; }

    /// <summary>What the user called the profile, usually its file name.</summary>
    public string Name { get; }

    public DiffMeasure Measure { get; }

    /// <summary>The sample weight column the stacks are drawn with (the estimated stacks of an exact profile too).</summary>
    public int StackWeightIndex { get; }

    /// <summary>The diff's unit per unit of <see cref="StackWeightIndex"/>: nanoseconds per sample, say.</summary>
    public double UnitsPerWeight { get; }

    /// <summary>The whole run: the sum of every function's own value.</summary>
    public double Total { get; }

    /// <summary>Samples the numbers rest on; 0 for an exact profile.</summary>
    public long Samples { get; }

    public IReadOnlyCollection<MeasuredFunction> Functions => _functions.Values;

    public MeasuredFunction this[FunctionKey function] => _functions.TryGetValue(function, out var f) ? f : MeasuredFunction.Absent(function);

    /// <summary>
    /// Measures a profile. Sampled: each sample's weight, in the diff's unit, goes to its stack; a function's own value
    /// is the sum over the samples where it is innermost, its total over those where it is anywhere on the stack.
    /// The variance of such a sum, given the whole run's total, is Σ w²(I - p)² over the samples (I = 1 when the
    /// sample counts for the function, p its share): the binomial variance when every weight is one sample. A record
    /// that stands for several samples (its <c>samples</c> weight, as in folded stacks) counts as that many.
    /// Exact (a call graph, or a memory profile): the recorded values, with no sampling variance.
    /// </summary>
    public static MeasuredProfile Of(Profile profile, string name, DiffMeasure measure)
    {
        if (profile.CallGraph is { } graph && measure.Exact)
        {
            var scale = TimeScale.Of(profile);
            var functions = graph.Functions.Where(f => f.OwnNs != 0 || f.TotalNs != 0)
                .Select(f => new MeasuredFunction(f.Function, f.OwnNs, f.TotalNs, 0, 0));
            return new MeasuredProfile(profile, name, measure, scale?.WeightIndex ?? 0, scale?.NanosecondsPerUnit ?? 1,
                graph.TotalOwnNs, 0, functions);
        }

        var weightIndex = measure.WeightIndexIn(profile);
        var unitsPerWeight = measure.UnitsPerWeightIn(profile);
        var sums = new double[profile.Stacks.Count];
        var squares = new double[profile.Stacks.Count];
        // Aggregated formats (folded stacks, pprof) hold one record per stack with a count of samples in it: a record
        // of n samples and weight w stands for n samples of weight w/n, whose squares add up to w²/n.
        var countIndex = profile.WeightIndex(WeightType.Samples.Name);
        long samples = 0;
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var stack = profile.StackIdOf(i);
            if (stack < 0) continue;
            var weight = profile.WeightOf(i, weightIndex) * unitsPerWeight;
            if (weight == 0) continue;
            var count = countIndex >= 0 ? Math.Max(1, profile.WeightOf(i, countIndex)) : 1;
            samples += count;
            sums[stack] += weight;
            squares[stack] += weight * weight / count;
        }
        double total = 0, totalSquares = 0;
        for (var s = 0; s < sums.Length; s++)
        {
            total += sums[s];
            totalSquares += squares[s];
        }
        var values = FunctionTable.Sum(profile, sums);
        var spread = FunctionTable.Sum(profile, squares);
        var measured = new List<MeasuredFunction>(values.Functions.Count);
        for (var i = 0; i < values.Functions.Count; i++)
        {
            if (values.Total[i] == 0) continue;
            var ownVariance = measure.Exact ? 0 : Variance(values.Own[i], spread.Own[i], total, totalSquares);
            var totalVariance = measure.Exact ? 0 : Variance(values.Total[i], spread.Total[i], total, totalSquares);
            measured.Add(new MeasuredFunction(values.Functions[i], values.Own[i], values.Total[i], ownVariance, totalVariance));
        }
        return new MeasuredProfile(profile, name, measure, weightIndex, unitsPerWeight, total, measure.Exact ? 0 : samples, measured);
    }

    /// <summary>
    /// Σ w²(I - p)² = (1 - p)² · (Σ w² where I = 1) + p² · (Σ w² where I = 0), for a part of the run with value
    /// <paramref name="part"/> and squared-weight sum <paramref name="partSquares"/>.
    /// </summary>
    private static double Variance(double part, double partSquares, double total, double totalSquares)
    {
        if (total <= 0) return 0;
        var p = part / total;
        return (1 - p) * (1 - p) * partSquares + p * p * Math.Max(0, totalSquares - partSquares);
    }
}
