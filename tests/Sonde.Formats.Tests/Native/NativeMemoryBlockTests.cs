using Sonde.Formats.Native;
using Sonde.Profiles;
using Sonde.Profiles.Memory;

namespace Sonde.Formats.Tests.Native;

public sealed class NativeMemoryBlockTests
{
    private static Profile RoundTrip(Profile profile)
    {
        using var output = new MemoryStream();
        new NativeWriter().Write(profile, output, WriteOptions.Default);
        return new NativeReader().Read(new MemoryStream(output.ToArray()), "test.sonde");
    }

    [Fact]
    public void Timelines_collections_pauses_and_totals_read_back_exactly()
    {
        var profile = new Profile(WeightType.AllocBytes, WeightType.AllocCount, WeightType.PeakBytes, WeightType.LeakedBytes);
        var thread = profile.ThreadIndex(42, 42, "MainThread");
        var outer = profile.InternStack([new Frame("main", "/app/a.py", 1, 9)]);
        var inner = profile.Stacks.Intern(outer, profile.Frames.Intern(new Frame("spike", "/app/a.py", 20, 25)));
        profile.AddSample(inner, thread, 5, [4096, 1, 0, 0]);
        profile.Memory = new MemoryData();
        profile.Memory.SeriesNamed(MemoryData.RssSeries).AddRange([new TimelinePoint(0, 10 << 20), new TimelinePoint(20_000_000, 50 << 20), new TimelinePoint(40_000_000, 12 << 20)]);
        profile.Memory.SeriesNamed(MemoryData.ThreadsSeries).Add(new TimelinePoint(7, 3));
        profile.Memory.Collections.AddRange([new GcCollection(1_000, 250_000, 0, 12, 0, 42), new GcCollection(900_000, 3_000_000, 2, 5000, 1, 42)]);
        profile.Memory.LongestPauses.Add(new GcPause(900_000, 3_000_000, 2, inner));
        profile.Memory.Totals[MemoryData.PeakBytesTotal] = 41 << 20;
        profile.Memory.Totals["origin-unix-ns"] = 1_795_293_219_297_275_707;
        profile.Memory.ObjectSnapshots.Add(new ObjectSnapshot(3, [new ObjectTypeCount("dict", 100, 6400), new ObjectTypeCount("app.Node", 0, 0)]));
        profile.Memory.ObjectSnapshots.Add(new ObjectSnapshot(9_000, [new ObjectTypeCount("app.Node", 20_000, 960_000)]));
        profile.Memory.ObjectChain = new ObjectChain("app.Node", ["module app", "dict['nodes']", "list[3]", "app.Node"]);

        var back = RoundTrip(profile).Memory!;

        Assert.Equal(profile.Memory.Series.Keys.Order(), back.Series.Keys.Order());
        Assert.Equal(profile.Memory.Series[MemoryData.RssSeries], back.Series[MemoryData.RssSeries]);
        Assert.Equal(profile.Memory.Series[MemoryData.ThreadsSeries], back.Series[MemoryData.ThreadsSeries]);
        Assert.Equal(profile.Memory.Collections, back.Collections);
        var pause = Assert.Single(back.LongestPauses);
        Assert.Equal((900_000L, 3_000_000L, 2), (pause.TimeNs, pause.DurationNs, pause.Generation));
        Assert.Equal(profile.Memory.Totals.OrderBy(t => t.Key), back.Totals.OrderBy(t => t.Key));
        Assert.Equal(2, back.ObjectSnapshots.Count);
        Assert.Equal(profile.Memory.ObjectSnapshots[0].Types, back.ObjectSnapshots[0].Types);
        Assert.Equal((9_000L, "app.Node", 20_000L, 960_000L), (back.ObjectSnapshots[1].TimeNs, back.ObjectSnapshots[1].Types[0].Type, back.ObjectSnapshots[1].Types[0].Count, back.ObjectSnapshots[1].Types[0].Bytes));
        Assert.Equal(profile.Memory.ObjectChain.Steps, back.ObjectChain!.Steps);
    }

    [Fact]
    public void A_profile_without_memory_reads_back_without_it()
    {
        var profile = new Profile(WeightType.Samples);
        profile.AddSample(profile.InternStack([new Frame("f", "a.py", 1)]), profile.ThreadIndex(1, 1, "main"), 0);
        Assert.Null(RoundTrip(profile).Memory);
    }
}
