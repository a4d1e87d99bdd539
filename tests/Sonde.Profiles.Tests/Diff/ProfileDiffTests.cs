using System.Globalization;
using System.Text.RegularExpressions;
using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Diff;
using Sonde.Profiles.Errors;

namespace Sonde.Profiles.Tests.Diff;

public sealed class ProfileDiffTests
{
    private static readonly Frame _main = new("main", "app.py", 1);
    private static readonly Frame _hot = new("hot", "app.py", 10);
    private static readonly Frame _cold = new("cold", "app.py", 20);

    [Fact]
    public void With_one_sample_per_weight_the_test_is_the_two_proportion_z_test_of_the_counts()
    {
        var before = Sampled((300, [_main, _hot]), (700, [_main, _cold]));
        var after = Sampled((360, [_main, _hot]), (640, [_main, _cold]));
        var expected = PythonReference.Numbers("""
            import math
            from statistics import NormalDist
            def variance(x, n): return n * (x / n) * (1 - x / n)
            z = (360 - 300) / math.sqrt(variance(300, 1000) + variance(360, 1000))
            print(repr(z)); print(repr(2 * NormalDist().cdf(-abs(z))))
            """);

        var hot = ProfileDiff.Of(before, "before", after, "after").Functions.Single(f => f.Function.Function == "hot");

        Assert.Equal(300, hot.Own.Base);
        Assert.Equal(360, hot.Own.New);
        Assert.Equal(0.3, hot.Own.BaseShare, 12);
        Assert.Equal(0.36, hot.Own.NewShare, 12);
        Assert.Equal(expected[0], hot.Own.Z!.Value, 9);
        Assert.Equal(expected[1], hot.Own.PValue!.Value, 9);
    }

    [Fact]
    public void Weighted_samples_use_the_sum_of_squared_weights_around_the_share()
    {
        // Each sample: (weight, is it in hot?). The variance of hot's sum, given the whole run's, is Σ w²(I - p)².
        (long W, bool Hot)[] first = [(5, true), (1, false), (3, true), (2, false), (8, false), (4, true)];
        (long W, bool Hot)[] second = [(9, true), (2, false), (7, true), (1, false), (6, true)];
        var expected = PythonReference.Numbers($"""
            import math
            def sums(samples):
                total = sum(w for w, _ in samples)
                part = sum(w for w, h in samples if h)
                p = part / total
                return part, sum(w * w * ((1 if h else 0) - p) ** 2 for w, h in samples)
            a, va = sums({PythonList(first)})
            b, vb = sums({PythonList(second)})
            print(repr((b - a) / math.sqrt(va + vb)))
            """);

        var diff = ProfileDiff.Of(Weighted(first), "first", Weighted(second), "second", weight: "cpu");

        var hot = diff.Functions.Single(f => f.Function.Function == "hot");
        Assert.Equal(expected[0], hot.Own.Z!.Value, 9);
        Assert.Equal(ChangeSignificance.NotSignificant, hot.Own.Significance);
    }

    [Fact]
    public void A_record_that_counts_many_samples_weighs_as_that_many_samples()
    {
        // Folded stacks and pprof keep one record per stack, its samples weight the count.
        var separate = ProfileDiff.Of(Sampled((300, [_main, _hot]), (700, [_main, _cold])), "a", Sampled((360, [_main, _hot]), (640, [_main, _cold])), "b");
        var aggregated = ProfileDiff.Of(Aggregated((300, [_main, _hot]), (700, [_main, _cold])), "a", Aggregated((360, [_main, _hot]), (640, [_main, _cold])), "b");

        var expected = separate.Functions.Single(f => f.Function.Function == "hot").Own;
        var actual = aggregated.Functions.Single(f => f.Function.Function == "hot").Own;
        Assert.Equal(expected.Z!.Value, actual.Z!.Value, 9);
        Assert.Equal(1000, aggregated.Base.Samples);
    }

    [Fact]
    public void A_recursive_function_counts_once_per_sample_in_its_total()
    {
        var before = Sampled((10, [_main, _hot, _hot, _hot]), (10, [_main, _cold]));
        var after = Sampled((10, [_main, _hot]), (10, [_main, _cold]));

        var hot = ProfileDiff.Of(before, "before", after, "after").Functions.Single(f => f.Function.Function == "hot");

        Assert.Equal(10, hot.Total.Base);
        Assert.Equal(10, hot.Total.New);
    }

    [Fact]
    public void A_large_change_on_many_samples_is_significant_and_a_small_one_on_few_is_not()
    {
        var big = ProfileDiff.Of(Sampled((4000, [_main, _hot]), (6000, [_main, _cold])), "a",
            Sampled((5000, [_main, _hot]), (6000, [_main, _cold])), "b");
        var small = ProfileDiff.Of(Sampled((40, [_main, _hot]), (60, [_main, _cold])), "a",
            Sampled((42, [_main, _hot]), (60, [_main, _cold])), "b");

        Assert.Equal(ChangeSignificance.Significant, big.Functions.Single(f => f.Function.Function == "hot").Own.Significance);
        Assert.Equal(ChangeSignificance.NotSignificant, small.Functions.Single(f => f.Function.Function == "hot").Own.Significance);
        // cold did not move at all in either pair.
        Assert.All([big, small], d => Assert.Equal(0, d.Functions.Single(f => f.Function.Function == "cold").Own.Delta));
    }

    [Fact]
    public void Exact_profiles_compare_their_call_graphs_with_no_sampling_test()
    {
        var diff = ProfileDiff.Of(Traced(hotNs: 1_000_000, coldNs: 3_000_000), "before.prof", Traced(hotNs: 1_500_000, coldNs: 3_000_000), "after.prof");

        Assert.True(diff.Measure.Exact);
        var hot = diff.Functions.Single(f => f.Function.Function == "hot");
        Assert.Equal(500_000, hot.Own.Delta);
        Assert.Equal(0.5, hot.Own.Relative, 12);
        Assert.Equal(ChangeSignificance.Measured, hot.Own.Significance);
        Assert.Null(hot.Own.PValue);
        Assert.Equal(4_500_000, diff.Run.New);
    }

    [Fact]
    public void Profiles_made_in_different_ways_are_refused_with_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => ProfileDiff.Of(Sampled((10, [_main])), "cpu.sonde", Traced(1, 1), "trace.prof"));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("'cpu.sonde' is a sampled CPU profile", error.Message);
        Assert.Contains("'trace.prof' is an exact trace", error.Message);
        var memory = Sampled((10, [_main]));
        memory.Metadata.Mode = ProfileMode.Memory;
        Assert.Contains("a memory profile", Assert.Throws<UsageException>(() => ProfileDiff.Of(Sampled((10, [_main])), "a", memory, "b")).Message);
    }

    [Fact]
    public void An_empty_profile_is_a_bad_input_naming_which_side()
    {
        var error = Assert.Throws<BadInputException>(() => ProfileDiff.Of(Sampled((10, [_main])), "base.sonde", new Profile(WeightType.Samples), "new.sonde"));

        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.StartsWith("NEW 'new.sonde' is empty", error.Message);
    }

    [Fact]
    public void Check_fails_only_on_significant_growth_beyond_the_threshold_and_the_floor()
    {
        var before = Sampled((4000, [_main, _hot]), (5950, [_main, _cold]), (50, [_main]));
        var after = Sampled((5000, [_main, _hot]), (5950, [_main, _cold]), (75, [_main]));
        var diff = ProfileDiff.Of(before, "a", after, "b");

        var items = RegressionCheck.Evaluate(diff, new CheckRules(10, [], false, 1));

        var regressed = Assert.Single(items, i => i.Verdict == CheckVerdict.Regressed);
        Assert.Equal("hot", regressed.Function!.Value.Function);
        // main's own time grew 50%, but by 25 samples: under 1% of the run, so below the floor.
        Assert.Equal(CheckVerdict.Passed, items.Single(i => i.Function!.Value.Function == "main").Verdict);
        // With a threshold above hot's +25%, nothing fails.
        Assert.DoesNotContain(RegressionCheck.Evaluate(diff, new CheckRules(30, [], false, 1)), i => i.Verdict == CheckVerdict.Regressed);
    }

    [Fact]
    public void Growth_beyond_the_threshold_that_sampling_error_explains_does_not_fail()
    {
        // warm grew 40%, but from 20 samples to 28: well within sampling error.
        var warm = new Frame("warm", "app.py", 30);
        var diff = ProfileDiff.Of(Sampled((2000, [_main, _hot]), (20, [_main, warm]), (1980, [_main, _cold])), "a",
            Sampled((2000, [_main, _hot]), (28, [_main, warm]), (1980, [_main, _cold])), "b");

        var item = RegressionCheck.Evaluate(diff, new CheckRules(10, [], false, 0)).Single(i => i.Function!.Value.Function == "warm");

        Assert.Equal(0.4, item.Change.Relative, 12);
        Assert.Equal(CheckVerdict.NotSignificant, item.Verdict);
    }

    [Fact]
    public void Check_gates_total_time_of_named_functions_and_the_whole_run()
    {
        var diff = ProfileDiff.Of(Sampled((4000, [_main, _hot]), (6000, [_main, _cold])), "a",
            Sampled((4000, [_main, _hot]), (7000, [_main, _cold])), "b");

        var items = RegressionCheck.Evaluate(diff, new CheckRules(5, [new Regex("cold")], true, 1));

        Assert.Equal(2, items.Count);
        Assert.Contains(items, i => i.Value == CheckedValue.Run && i.Verdict == CheckVerdict.Regressed && i.Change.Significance == ChangeSignificance.Measured);
        Assert.Contains(items, i => i.Value == CheckedValue.Total && i.Function!.Value.Function == "cold" && i.Verdict == CheckVerdict.Regressed);
        var error = Assert.Throws<UsageException>(() => RegressionCheck.Evaluate(diff, new CheckRules(5, [new Regex("nothing_like_this")], false, 1)));
        Assert.Contains("matches no function", error.Message);
    }

    private static Profile Sampled(params (int Count, Frame[] Stack)[] stacks)
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        foreach (var (count, stack) in stacks)
        {
            var id = profile.InternStack(stack);
            for (var i = 0; i < count; i++) profile.AddSample(id, thread, i);
        }
        return profile;
    }

    private static Profile Aggregated(params (int Count, Frame[] Stack)[] stacks)
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        foreach (var (count, stack) in stacks) profile.AddSample(profile.InternStack(stack), thread, 0, [count]);
        return profile;
    }

    private static Profile Weighted((long W, bool Hot)[] samples)
    {
        var profile = new Profile(WeightType.Samples, WeightType.CpuTime);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        var hot = profile.InternStack([_main, _hot]);
        var cold = profile.InternStack([_main, _cold]);
        foreach (var (weight, isHot) in samples) profile.AddSample(isHot ? hot : cold, thread, 0, [1, weight]);
        return profile;
    }

    private static Profile Traced(long hotNs, long coldNs)
    {
        var profile = new Profile(WeightType.WallTime, WeightType.Calls);
        profile.Metadata.Mode = ProfileMode.Tracing;
        var graph = new CallGraphData();
        graph.Add(new FunctionCallStats(_main.FunctionKey, 1, 1, 0, hotNs + coldNs));
        graph.Add(new FunctionCallStats(_hot.FunctionKey, 10, 10, hotNs, hotNs));
        graph.Add(new FunctionCallStats(_cold.FunctionKey, 5, 5, coldNs, coldNs));
        graph.Add(new CallEdge(_main.FunctionKey, _hot.FunctionKey, 10, 10, hotNs, hotNs));
        graph.Add(new CallEdge(_main.FunctionKey, _cold.FunctionKey, 5, 5, coldNs, coldNs));
        profile.CallGraph = graph;
        CallGraphStacks.AddSamplesLater(profile, graph, "MainThread");
        return profile;
    }

    private static string PythonList((long W, bool Hot)[] samples) =>
        "[" + string.Join(", ", samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"({s.W}, {(s.Hot ? "True" : "False")})"))) + "]";
}
