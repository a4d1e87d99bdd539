namespace Sonde.Profiles.Views;

/// <summary>Aggregates a profile's samples per function: own weight (leaf) and total weight (anywhere on the stack).</summary>
public static class FunctionTable
{
    public static IReadOnlyList<FunctionStatistics> Build(Profile profile, int weightIndex = 0, Func<int, bool>? includeThread = null)
    {
        var byStack = profile.TotalsByStack(weightIndex, includeThread);
        var functionIdByFrame = new int[profile.Frames.Count];
        var keys = new List<FunctionKey>();
        var keyIds = new Dictionary<FunctionKey, int>();
        for (var f = 0; f < functionIdByFrame.Length; f++)
        {
            var key = profile.Frames[f].FunctionKey;
            if (!keyIds.TryGetValue(key, out var id))
            {
                id = keys.Count;
                keys.Add(key);
                keyIds.Add(key, id);
            }
            functionIdByFrame[f] = id;
        }

        var own = new long[keys.Count];
        var total = new long[keys.Count];
        var seenInStack = new int[keys.Count];
        var stamp = 0;
        for (var s = 0; s < byStack.Length; s++)
        {
            var weight = byStack[s];
            if (weight == 0) continue;
            stamp++;
            own[functionIdByFrame[profile.Stacks.FrameOf(s)]] += weight;
            for (var walk = s; walk != StackTable.Root; walk = profile.Stacks.ParentOf(walk))
            {
                var fn = functionIdByFrame[profile.Stacks.FrameOf(walk)];
                if (seenInStack[fn] == stamp) continue;
                seenInStack[fn] = stamp;
                total[fn] += weight;
            }
        }

        var result = new List<FunctionStatistics>();
        for (var i = 0; i < keys.Count; i++)
            if (total[i] > 0) result.Add(new FunctionStatistics(keys[i], own[i], total[i]));
        return result;
    }
}
