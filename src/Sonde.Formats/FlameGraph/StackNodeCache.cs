using Sonde.Profiles;

namespace Sonde.Formats.FlameGraph;

/// <summary>
/// Finds the tree node of a stack id under the current thread's root. Stack ids share their callers' prefixes,
/// so each stack is resolved once per thread and every later lookup, or lookup of a longer stack, reuses it.
/// </summary>
internal sealed class StackNodeCache(Profile profile, MergedFrames frames, FlameTree tree)
{
    private readonly int[] _nodeOfStack = CreateEmpty(profile.Stacks.Count);
    private readonly List<int> _resolved = [];
    private readonly List<int> _pending = [];
    private int _root = FlameTree.RootNode;

    /// <summary>Forgets the stacks of the previous thread and hangs the next ones under <paramref name="root"/>.</summary>
    public void StartThread(int root)
    {
        foreach (var stack in _resolved) _nodeOfStack[stack] = -1;
        _resolved.Clear();
        _root = root;
    }

    public int NodeOf(int stackId)
    {
        _pending.Clear();
        var stack = stackId;
        while (stack != StackTable.Root && _nodeOfStack[stack] < 0)
        {
            _pending.Add(stack);
            stack = profile.Stacks.ParentOf(stack);
        }
        var node = stack == StackTable.Root ? _root : _nodeOfStack[stack];
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            var pending = _pending[i];
            node = tree.Child(node, frames.OfProfileFrame(profile.Stacks.FrameOf(pending)));
            _nodeOfStack[pending] = node;
            _resolved.Add(pending);
        }
        return node;
    }

    private static int[] CreateEmpty(int count)
    {
        var nodes = new int[count];
        Array.Fill(nodes, -1);
        return nodes;
    }
}
