using Sonde.Profiles;

namespace Sonde.Formats.Tests;

/// <summary>Compares profiles: exactly, part by part, or by what each stack weighs.</summary>
internal static class ProfileAssert
{
    /// <summary>Everything equal: weight types, frames, stacks, threads, every sample and the metadata.</summary>
    public static void Identical(Profile expected, Profile actual, params string[] ignoredProperties)
    {
        Assert.Equal(expected.WeightTypes, actual.WeightTypes);
        Assert.Equal(expected.Frames.All, actual.Frames.All);
        Assert.Equal(expected.Stacks.Count, actual.Stacks.Count);
        for (var s = 0; s < expected.Stacks.Count; s++)
        {
            Assert.Equal(expected.Stacks.FrameOf(s), actual.Stacks.FrameOf(s));
            Assert.Equal(expected.Stacks.ParentOf(s), actual.Stacks.ParentOf(s));
        }
        Assert.Equal(expected.Threads, actual.Threads);
        Assert.Equal(expected.SampleCount, actual.SampleCount);
        for (var i = 0; i < expected.SampleCount; i++)
        {
            Assert.Equal(expected.StackIdOf(i), actual.StackIdOf(i));
            Assert.Equal(expected.ThreadIndexOf(i), actual.ThreadIndexOf(i));
            Assert.Equal(expected.TimestampOf(i), actual.TimestampOf(i));
            for (var w = 0; w < expected.WeightTypes.Count; w++) Assert.Equal(expected.WeightOf(i, w), actual.WeightOf(i, w));
        }
        SameMetadata(expected.Metadata, actual.Metadata, ignoredProperties);
    }

    public static void SameMetadata(ProfileMetadata expected, ProfileMetadata actual, params string[] ignoredProperties)
    {
        Assert.Equal(expected.Mode, actual.Mode);
        Assert.Equal(expected.Command, actual.Command);
        Assert.Equal(expected.ProcessId, actual.ProcessId);
        Assert.Equal(expected.PythonVersion, actual.PythonVersion);
        Assert.Equal(expected.PythonPath, actual.PythonPath);
        Assert.Equal(expected.Host, actual.Host);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.StartTime.Offset, actual.StartTime.Offset);
        Assert.Equal(expected.Duration, actual.Duration);
        Assert.Equal(expected.GitCommit, actual.GitCommit);
        Assert.Equal(expected.Sampler.Ticks, actual.Sampler.Ticks);
        Assert.Equal(expected.Sampler.Samples, actual.Sampler.Samples);
        Assert.Equal(expected.Sampler.Errors, actual.Sampler.Errors);
        Assert.Equal(expected.Sampler.Late, actual.Sampler.Late);
        Assert.Equal(expected.Sampler.CpuTimeNs, actual.Sampler.CpuTimeNs);
        Assert.Equal(expected.Sampler.RequestedRateHz, actual.Sampler.RequestedRateHz);
        Assert.Equal(expected.Sampler.AchievedRateHz, actual.Sampler.AchievedRateHz);
        var actualProperties = actual.Properties.Where(p => !ignoredProperties.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal);
        Assert.Equal(expected.Properties.OrderBy(p => p.Key, StringComparer.Ordinal), actualProperties);
    }

    /// <summary>
    /// The summed weight of each distinct stack, keyed by its frame labels (outermost first) and, when
    /// <paramref name="byThread"/>, the thread's label: what aggregating formats must keep.
    /// </summary>
    public static SortedDictionary<string, long> StackTotals(Profile profile, int weightIndex = 0, bool byThread = false, bool lines = false)
    {
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var stack = profile.StackIdOf(i);
            var weight = profile.WeightOf(i, weightIndex);
            if (stack < 0 || weight == 0) continue;
            var labels = profile.Stacks.FramesOf(stack).Select(f => lines ? profile.Frames[f] : profile.Frames[f] with { Line = 0 }).Select(f => f.Label);
            var key = (byThread ? profile.Threads[profile.ThreadIndexOf(i)].Label + "|" : "") + string.Join(";", labels);
            totals[key] = totals.GetValueOrDefault(key) + weight;
        }
        return totals;
    }
}
