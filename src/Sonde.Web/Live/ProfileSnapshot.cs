using Sonde.Profiles;

namespace Sonde.Web.Live;

/// <summary>
/// Copies a profile that is still being recorded, so the live view reads a stable copy while sampling goes on;
/// the caller holds the recorder's lock for the length of the copy.
/// </summary>
public static class ProfileSnapshot
{
    public static Profile Copy(Profile source)
    {
        var copy = new Profile([.. source.WeightTypes]);
        foreach (var frame in source.Frames.All) copy.Frames.Intern(frame);
        for (var s = 0; s < source.Stacks.Count; s++) copy.Stacks.Intern(source.Stacks.ParentOf(s), source.Stacks.FrameOf(s));
        foreach (var thread in source.Threads) copy.ThreadIndex(thread.ProcessId, thread.ThreadId, thread.Name);
        var count = source.SampleCount;
        var width = source.WeightTypes.Count;
        copy.EnsureSampleCapacity(count);
        var weights = new long[width];
        for (var i = 0; i < count; i++)
        {
            for (var w = 0; w < width; w++) weights[w] = source.WeightOf(i, w);
            copy.AddSample(source.StackIdOf(i), source.ThreadIndexOf(i), source.TimestampOf(i), weights, source.ThreadStateOf(i));
        }
        copy.Memory = source.Memory;
        source.Metadata.CopyTo(copy.Metadata);
        return copy;
    }
}
