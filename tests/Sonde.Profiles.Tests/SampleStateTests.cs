namespace Sonde.Profiles.Tests;

public sealed class SampleStateTests
{
    [Fact]
    public void A_profile_has_no_state_column_until_a_sample_brings_a_state()
    {
        var profile = new Profile(WeightType.Samples);
        var stack = profile.InternStack([new Frame("f", "a.py", 1)]);
        var thread = profile.ThreadIndex(1, 1, "main");
        profile.AddSample(stack, thread, 0);
        Assert.False(profile.HasThreadStates);

        profile.AddSample(stack, thread, 1, [1], SampleState.HoldingGil);
        profile.AddSample(stack, thread, 2);
        profile.AddSamples([stack, stack], [thread, thread], [3, 4], [1, 1]);
        profile.SetThreadStates(4, [SampleState.Idle]);

        Assert.True(profile.HasThreadStates);
        Assert.Equal([SampleState.Unknown, SampleState.HoldingGil, SampleState.Unknown, SampleState.Unknown, SampleState.Idle],
            Enumerable.Range(0, profile.SampleCount).Select(profile.ThreadStateOf));
        Assert.Throws<ArgumentOutOfRangeException>(() => profile.SetThreadStates(4, [SampleState.Idle, SampleState.Idle]));
    }

    [Fact]
    public void Merging_keeps_each_samples_state()
    {
        var first = new Profile(WeightType.Samples);
        first.AddSample(first.InternStack([new Frame("f", "a.py", 1)]), first.ThreadIndex(1, 1, "main"), 0, [1], SampleState.Running);
        var second = new Profile(WeightType.Samples);
        second.AddSample(second.InternStack([new Frame("g", "a.py", 5)]), second.ThreadIndex(2, 2, "main"), 0, [1], SampleState.Idle);

        var merged = ProfileMerger.Merge([first, second]);

        Assert.Equal([SampleState.Running, SampleState.Idle], Enumerable.Range(0, merged.SampleCount).Select(merged.ThreadStateOf));
    }
}
