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

    [Fact]
    public void Columns_of_different_lengths_are_refused()
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);

        Assert.Throws<ArgumentException>(() => profile.AddSamples([0, 0], [0], [1, 2], [1, 1, 1, 1]));
        Assert.Throws<ArgumentException>(() => profile.AddSamples([0], [0], [1], [1]));
        Assert.Equal(0, profile.SampleCount);
    }
}
