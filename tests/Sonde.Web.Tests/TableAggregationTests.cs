using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Web.Tests;

/// <summary>
/// The function table is summed from the merged tree instead of the samples; with recursion everywhere, it must
/// give what the model's per-sample FunctionTable and EdgeTable give.
/// </summary>
public sealed class TableAggregationTests
{
    [Fact]
    public void TreeSumsEqualPerSampleSumsUnderRecursion()
    {
        var random = new Random(7);
        var profile = new Profile(WeightType.Samples);
        for (var i = 0; i < 5000; i++)
        {
            // Four functions and stacks up to 12 deep: most stacks repeat a function or a caller → callee pair.
            var depth = 1 + random.Next(12);
            var frames = Enumerable.Range(0, depth).Select(_ => new Frame($"f{random.Next(4)}", "m.py", 1)).ToArray();
            profile.AddSample(profile.InternStack(frames), 0, i);
        }
        var loaded = new LoadedProfile("0", "test", profile);
        var (own, total, edges) = TableView.Aggregate(loaded.Tree(0, -1), loaded.Functions.Keys.Count);

        var expected = FunctionTable.Build(profile);
        Assert.Equal(4, expected.Count);
        foreach (var f in expected)
        {
            loaded.Functions.TryGetId(f.Function, out var id);
            Assert.Equal(f.Own, own[id]);
            Assert.Equal(f.Total, total[id]);
        }
        var expectedEdges = EdgeTable.Build(profile);
        Assert.Equal(expectedEdges.Count, edges.Count);
        foreach (var e in expectedEdges)
        {
            loaded.Functions.TryGetId(e.Caller, out var caller);
            loaded.Functions.TryGetId(e.Callee, out var callee);
            Assert.Equal(e.Total, edges[(caller, callee)]);
        }
    }
}
