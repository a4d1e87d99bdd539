namespace Sonde.Profiles.Views;

/// <summary>
/// Aggregates a profile's samples per caller → callee pair of adjacent frames: the sampled counterpart of a
/// call graph's edges. A pair that appears twice in one stack (recursion) counts once in its total.
/// </summary>
public static class EdgeTable
{
    public static IReadOnlyList<EdgeStatistics> Build(Profile profile, int weightIndex = 0, Func<int, bool>? includeThread = null)
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

        var edgeIds = new Dictionary<(int Caller, int Callee), int>();
        var pairs = new List<(int Caller, int Callee)>();
        var own = new List<long>();
        var total = new List<long>();
        var seenInStack = new List<int>();
        var stamp = 0;
        for (var s = 0; s < byStack.Length; s++)
        {
            var weight = byStack[s];
            if (weight == 0) continue;
            stamp++;
            var leaf = true;
            for (var walk = s; profile.Stacks.ParentOf(walk) != StackTable.Root; walk = profile.Stacks.ParentOf(walk))
            {
                var pair = (functionIdByFrame[profile.Stacks.FrameOf(profile.Stacks.ParentOf(walk))], functionIdByFrame[profile.Stacks.FrameOf(walk)]);
                if (!edgeIds.TryGetValue(pair, out var edge))
                {
                    edge = pairs.Count;
                    edgeIds.Add(pair, edge);
                    pairs.Add(pair);
                    own.Add(0);
                    total.Add(0);
                    seenInStack.Add(0);
                }
                if (leaf) own[edge] += weight;
                leaf = false;
                if (seenInStack[edge] == stamp) continue;
                seenInStack[edge] = stamp;
                total[edge] += weight;
            }
        }

        var result = new List<EdgeStatistics>(pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
            result.Add(new EdgeStatistics(keys[pairs[i].Caller], keys[pairs[i].Callee], own[i], total[i]));
        return result;
    }
}
