using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Cli.Reports;

/// <summary>
/// Own and total per executing line of each function, from the samples: own when the line was the innermost
/// frame, total when it was anywhere on the stack (once per sample, even under recursion).
/// </summary>
internal static class LineStatistics
{
    /// <summary>Per function, its lines and their own and total weights (in sample weight units).</summary>
    public static Dictionary<FunctionKey, SortedDictionary<int, (long Own, long Total)>> Build(ReportModel model)
    {
        var profile = model.Profile;
        var byStack = profile.TotalsByStack(model.WeightIndex, model.IncludeThread);
        var result = new Dictionary<FunctionKey, SortedDictionary<int, (long Own, long Total)>>();
        var seen = new HashSet<int>();
        for (var s = 0; s < byStack.Length; s++)
        {
            var weight = byStack[s];
            if (weight == 0) continue;
            seen.Clear();
            var leaf = true;
            for (var walk = s; walk != StackTable.Root; walk = profile.Stacks.ParentOf(walk))
            {
                var frameId = profile.Stacks.FrameOf(walk);
                var frame = profile.Frames[frameId];
                var isLeaf = leaf;
                leaf = false;
                if (frame.Line <= 0 || !seen.Add(frameId)) continue;
                if (!result.TryGetValue(frame.FunctionKey, out var lines)) result.Add(frame.FunctionKey, lines = []);
                var (own, total) = lines.GetValueOrDefault(frame.Line);
                lines[frame.Line] = (own + (isLeaf ? weight : 0), total + weight);
            }
        }
        return result;
    }

    public static bool HasLines(Profile profile)
    {
        foreach (var frame in profile.Frames.All)
            if (frame.Line > 0) return true;
        return false;
    }
}
