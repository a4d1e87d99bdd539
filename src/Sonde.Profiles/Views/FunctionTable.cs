using System.Numerics;

namespace Sonde.Profiles.Views;

/// <summary>Aggregates a profile's samples per function: own weight (leaf) and total weight (anywhere on the stack).</summary>
public static class FunctionTable
{
    public static IReadOnlyList<FunctionStatistics> Build(Profile profile, int weightIndex = 0, Func<int, bool>? includeThread = null)
    {
        var sums = Sum(profile, profile.TotalsByStack(weightIndex, includeThread));
        var result = new List<FunctionStatistics>();
        for (var i = 0; i < sums.Functions.Count; i++)
            if (sums.Total[i] > 0) result.Add(new FunctionStatistics(sums.Functions[i], sums.Own[i], sums.Total[i]));
        return result;
    }

    /// <summary>
    /// Own and total sums of any per-stack value (<paramref name="byStack"/>, indexed by stack id), per function, in
    /// the order functions first appear in the frame table. Views that need more than one weight (a diff needs the
    /// sums of squared weights too) aggregate each with the same walk.
    /// </summary>
    public static FunctionSums<T> Sum<T>(Profile profile, T[] byStack) where T : INumber<T>
    {
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

        var own = new T[keys.Count];
        var total = new T[keys.Count];
        Array.Fill(own, T.Zero);
        Array.Fill(total, T.Zero);
        var seenInStack = new int[keys.Count];
        var stamp = 0;
        for (var s = 0; s < byStack.Length; s++)
        {
            var weight = byStack[s];
            if (T.IsZero(weight)) continue;
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
        return new FunctionSums<T>(keys, own, total);
    }
}
