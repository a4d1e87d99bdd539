namespace Sonde.Profiles;

/// <summary>
/// A profile whose stacks start with a <c>thread NAME (TID)</c> frame for each sample's thread. A stack that
/// starts with a <c>process PID (COMMAND)</c> frame gets the thread frame right below it, so threads sit inside
/// their process rather than processes inside threads.
/// </summary>
public static class ThreadRooting
{
    public static bool HasProcessRoots(Profile profile) => profile.Frames.All.Any(f => f.Kind == FrameKind.Process);

    /// <summary>The rooted copy; the memory, call graph and line data are shared with the source, not copied.</summary>
    public static Profile Apply(Profile source)
    {
        var rooted = new Profile([.. source.WeightTypes]);
        foreach (var frame in source.Frames.All) rooted.Frames.Intern(frame);
        foreach (var thread in source.Threads) rooted.ThreadIndex(thread.ProcessId, thread.ThreadId, thread.Name);
        var threadFrames = source.Threads.Select(t => rooted.Frames.Intern(Frame.Pseudo(t.Label, FrameKind.Thread))).ToArray();

        var rootedStacks = new Dictionary<long, int>();
        int RootedStack(int thread, int stack)
        {
            var key = ((long)thread << 32) | (uint)stack;
            if (rootedStacks.TryGetValue(key, out var id)) return id;
            var frame = source.Stacks.FrameOf(stack);
            var parent = source.Stacks.ParentOf(stack);
            if (parent != StackTable.Root) id = rooted.Stacks.Intern(RootedStack(thread, parent), frame);
            else if (source.Frames[frame].Kind == FrameKind.Process) id = rooted.Stacks.Intern(rooted.Stacks.Intern(StackTable.Root, frame), threadFrames[thread]);
            else id = rooted.Stacks.Intern(rooted.Stacks.Intern(StackTable.Root, threadFrames[thread]), frame);
            rootedStacks.Add(key, id);
            return id;
        }

        rooted.EnsureSampleCapacity(source.SampleCount);
        var weights = new long[source.WeightTypes.Count];
        for (var i = 0; i < source.SampleCount; i++)
        {
            for (var w = 0; w < weights.Length; w++) weights[w] = source.WeightOf(i, w);
            var thread = source.ThreadIndexOf(i);
            var stack = source.StackIdOf(i);
            rooted.AddSample(stack < 0 ? stack : RootedStack(thread, stack), thread, source.TimestampOf(i), weights, source.ThreadStateOf(i));
        }
        source.Metadata.CopyTo(rooted.Metadata);
        rooted.CallGraph = source.CallGraph;
        rooted.LineTimings = source.LineTimings;
        rooted.Memory = source.Memory;
        return rooted;
    }
}
