namespace Sonde.Profiles.Memory;

/// <summary>Where memory was allocated: a memory weight summed by the innermost frame of each sample.</summary>
public static class AllocationSites
{
    /// <summary>
    /// Bytes of weight column <paramref name="weight"/> and, when <paramref name="counts"/> is a column, the
    /// allocations of that one, by function (its first line) or by the line that allocated when
    /// <paramref name="byLine"/> and the frames carry lines.
    /// </summary>
    public static Dictionary<(string Function, string File, int Line), (long Bytes, long Count)> Sum(Profile profile, int weight, int counts, bool byLine)
    {
        var sites = new Dictionary<(string Function, string File, int Line), (long Bytes, long Count)>();
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var bytes = profile.WeightOf(i, weight);
            var stack = profile.StackIdOf(i);
            if (bytes == 0 || stack < 0) continue;
            var frame = profile.Frames[profile.Stacks.FrameOf(stack)];
            var key = (frame.Function, frame.File, byLine && frame.Line > 0 ? frame.Line : frame.FirstLine);
            var sum = sites.GetValueOrDefault(key);
            sites[key] = (sum.Bytes + bytes, sum.Count + (counts >= 0 ? profile.WeightOf(i, counts) : 0));
        }
        return sites;
    }
}
