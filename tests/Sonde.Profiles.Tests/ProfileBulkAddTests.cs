namespace Sonde.Profiles.Tests;

public sealed class ProfileBulkAddTests
{
    [Fact]
    public void Adding_columns_at_once_equals_adding_sample_by_sample()
    {
        var one = new Profile(WeightType.Samples, WeightType.WallTime);
        var bulk = new Profile(WeightType.Samples, WeightType.WallTime);
        foreach (var profile in new[] { one, bulk })
        {
            profile.InternStack([new Frame("main", "app.py", 1), new Frame("work", "app.py", 5)]);
            profile.ThreadIndex(1, 10, "MainThread");
            profile.ThreadIndex(1, 11, "worker");
        }
        one.AddSample(1, 0, 100, [1, 10]);
        one.AddSample(0, 1, 200, [1, 20]);
        one.AddSample(StackTable.Root, 0, 300, [2, 30]);

        bulk.EnsureSampleCapacity(3);
        bulk.AddSamples([1, 0], [0, 1], [100, 200], [1, 10, 1, 20]);
        bulk.AddSamples([StackTable.Root], [0], [300], [2, 30]);

        Assert.Equal(one.SampleCount, bulk.SampleCount);
        for (var i = 0; i < one.SampleCount; i++)
        {
            Assert.Equal(one.StackIdOf(i), bulk.StackIdOf(i));
            Assert.Equal(one.ThreadIndexOf(i), bulk.ThreadIndexOf(i));
            Assert.Equal(one.TimestampOf(i), bulk.TimestampOf(i));
            Assert.Equal(one.WeightOf(i, 0), bulk.WeightOf(i, 0));
            Assert.Equal(one.WeightOf(i, 1), bulk.WeightOf(i, 1));
        }
        Assert.Equal(one.TotalsByStack(1), bulk.TotalsByStack(1));
    }

    /// <summary>
    /// The sample columns are kept in chunks of 65,536 values (four times fewer samples for a profile with four
    /// weights): samples added one by one, in blocks that straddle chunks, and states set across a chunk's end all
    /// read back as added, in a profile whose state column appears only after 100,000 samples.
    /// </summary>
    [Fact]
    public void Samples_read_back_as_added_across_many_chunks()
    {
        const int Count = 300_000;
        var profile = new Profile(WeightType.Samples, WeightType.WallTime, WeightType.CpuTime, WeightType.RssGrowth);
        var stack = profile.InternStack([new Frame("main", "app.py", 1)]);
        var random = new Random(7);
        var weights = new long[Count * 4];
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
        var added = 0;
        while (added < Count)
        {
            var block = Math.Min(Count - added, random.Next(1, 90_000));
            if (block % 3 == 0)
            {
                var stacks = Enumerable.Repeat(stack, block).ToArray();
                var threads = Enumerable.Range(added, block).Select(i => i % 5).ToArray();
                var times = Enumerable.Range(added, block).Select(i => (long)i * 10).ToArray();
                profile.AddSamples(stacks, threads, times, weights.AsSpan(added * 4, block * 4));
            }
            else
            {
                for (var i = added; i < added + block; i++)
                    profile.AddSample(stack, i % 5, (long)i * 10, weights.AsSpan(i * 4, 4), i >= 100_000 && i % 2 == 0 ? SampleState.Running : SampleState.Unknown);
            }
            added += block;
        }
        var states = Enumerable.Range(0, 3).Select(_ => SampleState.HoldingGil).ToArray();
        profile.SetThreadStates(65_535, states);

        Assert.Equal(Count, profile.SampleCount);
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(stack, profile.StackIdOf(i));
            Assert.Equal(i % 5, profile.ThreadIndexOf(i));
            Assert.Equal((long)i * 10, profile.TimestampOf(i));
            for (var w = 0; w < 4; w++) Assert.Equal(weights[i * 4 + w], profile.WeightOf(i, w));
        }
        Assert.Equal(SampleState.Unknown, profile.ThreadStateOf(65_534));
        Assert.Equal(SampleState.HoldingGil, profile.ThreadStateOf(65_536));
        Assert.Equal(SampleState.HoldingGil, profile.ThreadStateOf(65_537));
        Assert.Equal(SampleState.Unknown, profile.ThreadStateOf(65_538));
        Assert.Equal(weights.Where((_, i) => i % 4 == 2).Aggregate(0L, (a, b) => unchecked(a + b)), profile.TotalWeight(2));
    }

    [Fact]
    public void Columns_of_different_lengths_are_refused()
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);

        Assert.Throws<ArgumentException>(() => profile.AddSamples([0, 0], [0], [1, 2], [1, 1, 1, 1]));
        Assert.Throws<ArgumentException>(() => profile.AddSamples([0], [0], [1], [1]));
        Assert.Equal(0, profile.SampleCount);
    }
}
