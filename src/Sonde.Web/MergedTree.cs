using Sonde.Profiles;

namespace Sonde.Web;

/// <summary>
/// A profile's call tree merged per function, held as flat columns: node i has a parent (-1 for the roots), a
/// function id, and own and total weight. Parents always come before their children. This is what the page draws,
/// so a million samples reach the browser as a few thousand nodes.
/// </summary>
internal sealed class MergedTree
{
    private MergedTree(int[] parent, int[] function, long[] own, long[] total)
    {
        Parent = parent;
        Function = function;
        Own = own;
        Total = total;
    }

    public int[] Parent { get; }
    public int[] Function { get; }
    public long[] Own { get; }
    public long[] Total { get; }
    public int Count => Parent.Length;

    /// <summary>Sum of the roots' totals: the weight of every sample in the tree.</summary>
    public long GrandTotal
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < Count; i++)
                if (Parent[i] < 0) sum += Total[i];
            return sum;
        }
    }

    public static MergedTree Build(Profile profile, FunctionIndex functions, int weightIndex, Func<int, bool>? includeThread)
    {
        var byStack = profile.TotalsByStack(weightIndex, includeThread);
        var stacks = profile.Stacks;
        // The stack table interns a caller's stack before its callees', so one forward pass maps every stack to
        // its node and one backward pass sums totals upward.
        var nodeOfStack = new int[stacks.Count];
        var nodeIds = new Dictionary<(int Parent, int Function), int>();
        var parent = new List<int>();
        var function = new List<int>();
        for (var s = 0; s < stacks.Count; s++)
        {
            var parentStack = stacks.ParentOf(s);
            var parentNode = parentStack == StackTable.Root ? -1 : nodeOfStack[parentStack];
            var fn = functions.FunctionOfFrame[stacks.FrameOf(s)];
            if (!nodeIds.TryGetValue((parentNode, fn), out var node))
            {
                node = parent.Count;
                nodeIds.Add((parentNode, fn), node);
                parent.Add(parentNode);
                function.Add(fn);
            }
            nodeOfStack[s] = node;
        }

        var own = new long[parent.Count];
        var total = new long[parent.Count];
        for (var s = 0; s < byStack.Length; s++) own[nodeOfStack[s]] += byStack[s];
        for (var n = parent.Count - 1; n >= 0; n--)
        {
            total[n] += own[n];
            if (parent[n] >= 0) total[parent[n]] += total[n];
        }
        return Compact(parent, function, own, total);
    }

    /// <summary>Drops nodes no sample reached (stacks of other threads or other weights), renumbering the rest.</summary>
    private static MergedTree Compact(List<int> parent, List<int> function, long[] own, long[] total)
    {
        var newId = new int[parent.Count];
        var kept = 0;
        for (var n = 0; n < parent.Count; n++) newId[n] = total[n] != 0 ? kept++ : -1;
        var p = new int[kept];
        var f = new int[kept];
        var o = new long[kept];
        var t = new long[kept];
        for (var n = 0; n < parent.Count; n++)
        {
            var id = newId[n];
            if (id < 0) continue;
            p[id] = parent[n] < 0 ? -1 : newId[parent[n]];
            f[id] = function[n];
            o[id] = own[n];
            t[id] = total[n];
        }
        return new MergedTree(p, f, o, t);
    }
}
