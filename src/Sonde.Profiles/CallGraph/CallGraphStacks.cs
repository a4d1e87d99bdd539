namespace Sonde.Profiles.CallGraph;

/// <summary>
/// Gives a call-graph profile samples, so that every view and format built on stacks (flame graphs, call trees,
/// folded stacks) works on it. A call graph knows each function's callers but not the paths above them, so the
/// stacks are an estimate; each function's own time and calls are kept exactly.
/// </summary>
/// <remarks>
/// Each function's own time is split among its callers by the exact per-caller own time of the edges (what is
/// left, such as the time of calls from outside the profile, makes a stack that starts at the function). Each
/// caller's share is then split among <em>its</em> callers in proportion to their edges' total time, and so on
/// upwards, as gprof does: a function's time is assumed to be spread over its callers like its calls are.
/// A caller already on the path is skipped (recursion folds into one frame). A share smaller than 1/10,000 of
/// the profile's time is not split further, so the stack starts there.
/// </remarks>
public static class CallGraphStacks
{
    /// <summary>The metadata property that marks a profile whose stacks were estimated from its call graph.</summary>
    public const string EstimatedProperty = "stacks.estimated";

    /// <summary>
    /// Adds the estimated stacks as samples on one thread, weighted by time (the <c>wall</c> weight, else <c>cpu</c>)
    /// and <c>calls</c>. Each stack starts with <paramref name="rootFrames"/>, such as a process's pseudo-frame.
    /// </summary>
    /// <exception cref="ArgumentException">The profile has no <c>wall</c> or <c>cpu</c> weight to carry the time.</exception>
    public static void AddSamples(Profile profile, CallGraphData graph, int threadIndex, IReadOnlyList<Frame>? rootFrames = null)
    {
        var time = profile.WeightIndex(WeightType.WallTime.Name);
        if (time < 0) time = profile.WeightIndex(WeightType.CpuTime.Name);
        if (time < 0) throw new ArgumentException("The profile needs a wall or cpu weight to hold call-graph time.", nameof(profile));
        var roots = (rootFrames ?? []).Select(profile.Frames.Intern).ToArray();
        new CallGraphExpander(profile, graph, threadIndex, time, profile.WeightIndex(WeightType.Calls.Name), roots).Run();
        profile.Metadata.Properties[EstimatedProperty] = "from the call graph";
    }

    /// <summary>
    /// Like <see cref="AddSamples"/> on a thread named <paramref name="threadName"/>, but only once something
    /// first reads the profile's samples (see <see cref="Profile.AddSamplesLater"/>).
    /// </summary>
    public static void AddSamplesLater(Profile profile, CallGraphData graph, string threadName)
    {
        if (profile.WeightIndex(WeightType.WallTime.Name) < 0)
            throw new ArgumentException("The profile needs a wall weight to hold call-graph time.", nameof(profile));
        profile.Metadata.Properties[EstimatedProperty] = "from the call graph";
        profile.AddSamplesLater(p => AddSamples(p, graph, p.ThreadIndex(0, 0, threadName)));
    }

    public static bool AreEstimated(Profile profile) => profile.Metadata.Properties.ContainsKey(EstimatedProperty);
}
