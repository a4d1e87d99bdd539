using Sonde.Profiles.Views;

namespace Sonde.Profiles.Tests;

public sealed class EdgeTableTests
{
    [Fact]
    public void Own_goes_to_the_innermost_pair_and_total_counts_a_pair_once_per_stack()
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "t");
        Frame F(string name) => new(name, "app.py", name[0]);
        // a → r → r → b (recursion repeats the pair r → r), twice; a → r once.
        var deep = profile.InternStack([F("a"), F("r"), F("r"), F("b")]);
        profile.AddSample(deep, thread, 0);
        profile.AddSample(deep, thread, 0);
        profile.AddSample(profile.InternStack([F("a"), F("r")]), thread, 0);

        var edges = EdgeTable.Build(profile).ToDictionary(e => (e.Caller.Function, e.Callee.Function));

        Assert.Equal((2L, 2L), (edges[("r", "b")].Own, edges[("r", "b")].Total));
        Assert.Equal((0L, 2L), (edges[("r", "r")].Own, edges[("r", "r")].Total));
        Assert.Equal((1L, 3L), (edges[("a", "r")].Own, edges[("a", "r")].Total));
        Assert.Equal(3, edges.Count);
    }
}
