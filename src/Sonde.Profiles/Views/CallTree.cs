namespace Sonde.Profiles.Views;

/// <summary>Builds a call tree from any profile. Frames are merged per function unless lines are kept.</summary>
public static class CallTree
{
    public static CallTreeNode Build(Profile profile, int weightIndex = 0, bool keepLines = false, Func<int, bool>? includeThread = null)
    {
        var root = new CallTreeNode(Frame.Pseudo("all", FrameKind.Truncated), null);
        var byStack = profile.TotalsByStack(weightIndex, includeThread);
        for (var s = 0; s < byStack.Length; s++)
        {
            var weight = byStack[s];
            if (weight == 0) continue;
            var node = root;
            node.Total += weight;
            foreach (var frameId in profile.Stacks.FramesOf(s))
            {
                var frame = profile.Frames[frameId];
                node = node.Child(keepLines ? frame : frame with { Line = 0 });
                node.Total += weight;
            }
            node.Own += weight;
        }
        return root;
    }
}
