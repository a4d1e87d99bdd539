using Sonde.Formats.Pstats;
using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Formats.Tests.Pstats;

public sealed class PstatsRoundTripTests
{
    private static Profile RoundTrip(Profile profile, WriteOptions? options = null)
    {
        using var stream = new MemoryStream();
        new PstatsWriter().Write(profile, stream, options ?? WriteOptions.Default);
        Assert.True(new PstatsReader().Recognizes(stream.GetBuffer().AsSpan(0, (int)Math.Min(stream.Length, 4096))));
        stream.Position = 0;
        return new PstatsReader().Read(stream, "memory");
    }

    [Fact]
    public void A_call_graph_comes_back_exactly()
    {
        var original = PstatsSamples.CallGraphProfile();

        var read = RoundTrip(original);

        Assert.NotNull(read.CallGraph);
        Assert.Equal(original.CallGraph!.Functions.OrderBy(f => f.Function.PstatsLabel), read.CallGraph.Functions.OrderBy(f => f.Function.PstatsLabel));
        Assert.Equal(original.CallGraph.Edges.OrderBy(e => e.Caller.PstatsLabel + e.Callee.PstatsLabel), read.CallGraph.Edges.OrderBy(e => e.Caller.PstatsLabel + e.Callee.PstatsLabel));
        Assert.Equal(ProfileMode.Tracing, read.Metadata.Mode);
    }

    [Fact]
    public void A_sampled_profile_keeps_own_and_total_per_function_and_has_no_call_counts()
    {
        var sampled = PstatsSamples.SampledProfile();

        var read = RoundTrip(sampled);

        Assert.NotNull(read.CallGraph);
        Assert.False(read.CallGraph.HasCallCounts);
        var expected = FunctionTable.Build(sampled, 1).ToDictionary(f => f.Function, f => (f.Own, f.Total));
        Assert.Equal(expected.Count, read.CallGraph.Functions.Count);
        foreach (var function in read.CallGraph.Functions)
            Assert.Equal(expected[function.Function], (function.OwnNs, function.TotalNs));
        var edges = EdgeTable.Build(sampled, 1).ToDictionary(e => (e.Caller, e.Callee), e => (e.Own, e.Total));
        Assert.Equal(edges.Count, read.CallGraph.Edges.Count);
        foreach (var edge in read.CallGraph.Edges)
            Assert.Equal(edges[(edge.Caller, edge.Callee)], (edge.OwnNs, edge.TotalNs));
    }

    [Fact]
    public void Samples_without_a_time_column_count_the_sampling_interval()
    {
        var profile = new ProfileBuilder().Add(3, ProfileBuilder.F("main")).Profile;
        profile.Metadata.Sampler.RequestedRateHz = 250;

        var read = RoundTrip(profile);

        Assert.Equal(3 * 4_000_000, Assert.Single(read.CallGraph!.Functions).OwnNs);
    }

    [Fact]
    public void A_chosen_time_weight_is_used_as_it_is()
    {
        var profile = new ProfileBuilder(WeightType.Samples, WeightType.CpuTime, WeightType.WallTime)
            .AddWeighted("t", 1, [1, 7, 1000], ProfileBuilder.F("main")).Profile;

        var read = RoundTrip(profile, new WriteOptions(WeightIndex: 1));

        Assert.Equal(7, Assert.Single(read.CallGraph!.Functions).OwnNs);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)')', 3 }, true)]
    [InlineData(new byte[] { 0xfb, 0xa9, 3, 0xfa }, true)]
    [InlineData(new byte[] { (byte)'{', (byte)'(', 3, 0, 0, 0 }, true)]
    [InlineData(new byte[] { (byte)'{', (byte)'0' }, true)]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a' }, false)]
    [InlineData(new byte[] { (byte)'{', (byte)')', 4 }, false)]
    [InlineData(new byte[] { (byte)'{' }, false)]
    public void Recognizes_pstats_and_not_json(byte[] head, bool expected)
    {
        Assert.Equal(expected, new PstatsReader().Recognizes(head));
    }
}
