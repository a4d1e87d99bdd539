using Sonde.Profiles;

namespace Sonde.Formats.FlameGraph;

/// <summary>
/// Builds the visible part of a flame graph's call tree from the top down. Each node stands for the set of
/// stack ids that merge into it; its children group those stacks' children by merged frame, and a group too
/// light to see becomes no node at all. A profile of 100k stacks thus costs work in proportion to what is drawn,
/// not to the size of its stack table.
/// </summary>
internal sealed class FlameTreeBuilder
{
    private readonly Profile _profile;
    private readonly MergedFrames _frames;
    private readonly double _minWeight;
    private readonly FlameTree _tree;
    private readonly int[] _rank;
    // The stack table's children, parent by parent; the callers-less stacks come first, under "parent" -1.
    private readonly int[] _childStart;
    private readonly int[] _childStacks;
    // Weight under each stack id, for the thread being built.
    private readonly long[] _subtotals;
    private readonly List<int> _touched = [];
    private readonly Stack<(int Node, int[] Stacks)> _pending = new();
    private long[] _groupKeys = new long[64];

    private FlameTreeBuilder(Profile profile, MergedFrames frames, double minWeight, long total)
    {
        _profile = profile;
        _frames = frames;
        _minWeight = minWeight;
        _tree = new FlameTree(total);
        _rank = RankByLabel(frames);
        (_childStart, _childStacks) = IndexChildren(profile.Stacks);
        _subtotals = new long[profile.Stacks.Count];
    }

    /// <summary>
    /// The tree of <paramref name="stacks"/> (ordered by thread, as <see cref="StackWeights"/> gives them), with a
    /// root per thread when they carry threads, and without nodes lighter than <paramref name="minShare"/> of the total.
    /// </summary>
    public static FlameTree Build(Profile profile, MergedFrames frames, List<StackWeight> stacks, double minShare)
    {
        long total = 0;
        foreach (var entry in stacks)
        {
            total += entry.Weight;
            // Thread roots join the frames now, before the frames are ranked.
            if (entry.ThreadIndex >= 0) frames.OfThread(entry.ThreadIndex);
        }
        var builder = new FlameTreeBuilder(profile, frames, total * minShare, total);
        if (stacks.Count == 0 || stacks[0].ThreadIndex < 0) builder.Expand(FlameTree.RootNode, stacks, 0, stacks.Count);
        else builder.AddThreads(stacks);
        return builder._tree;
    }

    /// <summary>A root per thread, in label order, each expanded from that thread's stacks only.</summary>
    private void AddThreads(List<StackWeight> stacks)
    {
        var threads = new List<(int Thread, int Start, int End, long Total)>();
        for (var start = 0; start < stacks.Count;)
        {
            var thread = stacks[start].ThreadIndex;
            var end = start;
            long total = 0;
            for (; end < stacks.Count && stacks[end].ThreadIndex == thread; end++) total += stacks[end].Weight;
            threads.Add((thread, start, end, total));
            start = end;
        }
        // Threads with equal labels stay apart: they are different threads, so ties go by thread index.
        threads.Sort((a, b) =>
        {
            var byLabel = _rank[_frames.OfThread(a.Thread)].CompareTo(_rank[_frames.OfThread(b.Thread)]);
            return byLabel != 0 ? byLabel : a.Thread.CompareTo(b.Thread);
        });

        long offset = 0;
        var visible = new List<(int Node, int Start, int End)>();
        foreach (var (thread, start, end, total) in threads)
        {
            if (IsVisible(total)) visible.Add((_tree.AddChild(FlameTree.RootNode, _frames.OfThread(thread), total, offset), start, end));
            offset += total;
        }
        foreach (var (node, start, end) in visible) Expand(node, stacks, start, end);
    }

    /// <summary>Hangs the stacks in <paramref name="stacks"/>[start, end) under <paramref name="top"/>.</summary>
    private void Expand(int top, List<StackWeight> stacks, int start, int end)
    {
        foreach (var stack in _touched) _subtotals[stack] = 0;
        _touched.Clear();
        for (var i = start; i < end; i++)
        {
            var weight = stacks[i].Weight;
            for (var s = stacks[i].StackId; s != StackTable.Root; s = _profile.Stacks.ParentOf(s))
            {
                if (_subtotals[s] == 0) _touched.Add(s);
                _subtotals[s] += weight;
            }
        }

        _pending.Push((top, [StackTable.Root]));
        while (_pending.Count > 0)
        {
            var (node, members) = _pending.Pop();
            AddChildren(node, members);
        }
    }

    /// <summary>Groups the children of a node's stacks by merged frame, in label order, and adds the visible groups.</summary>
    private void AddChildren(int node, int[] members)
    {
        var count = 0;
        foreach (var member in members)
        {
            for (var c = _childStart[member + 1]; c < _childStart[member + 2]; c++)
            {
                var child = _childStacks[c];
                if (_subtotals[child] == 0) continue;
                if (count == _groupKeys.Length) Array.Resize(ref _groupKeys, count * 2);
                var frame = _frames.OfProfileFrame(_profile.Stacks.FrameOf(child));
                _groupKeys[count++] = ((long)_rank[frame] << 32) | (uint)child;
            }
        }
        if (count == 0) return;
        Array.Sort(_groupKeys, 0, count);

        var offset = _tree.OffsetOf(node);
        var groups = new List<(int Node, int[] Stacks)>();
        for (var start = 0; start < count;)
        {
            var rank = (int)(_groupKeys[start] >> 32);
            var end = start;
            long total = 0;
            for (; end < count && (int)(_groupKeys[end] >> 32) == rank; end++) total += _subtotals[(int)(uint)_groupKeys[end]];
            if (IsVisible(total))
            {
                var stacks = new int[end - start];
                for (var i = start; i < end; i++) stacks[i - start] = (int)(uint)_groupKeys[i];
                var frame = _frames.OfProfileFrame(_profile.Stacks.FrameOf(stacks[0]));
                groups.Add((_tree.AddChild(node, frame, total, offset), stacks));
            }
            offset += total;
            start = end;
        }
        for (var i = groups.Count - 1; i >= 0; i--) _pending.Push(groups[i]);
    }

    private bool IsVisible(long total) => total > 0 && total >= _minWeight;

    /// <summary>
    /// Each merged frame's position in ordinal label order, the order siblings are drawn in. Frames with equal
    /// labels (a Python and a native frame, say) are ordered by their other fields, so the rank never depends
    /// on the order frames were interned in.
    /// </summary>
    private static int[] RankByLabel(MergedFrames frames)
    {
        var order = new int[frames.Count];
        var labels = new string[frames.Count];
        for (var f = 0; f < order.Length; f++)
        {
            order[f] = f;
            labels[f] = frames[f].Label;
        }
        Array.Sort(order, (a, b) =>
        {
            var byLabel = string.CompareOrdinal(labels[a], labels[b]);
            if (byLabel != 0) return byLabel;
            var (x, y) = (frames[a], frames[b]);
            return x.Kind != y.Kind ? x.Kind.CompareTo(y.Kind)
                : x.FirstLine != y.FirstLine ? x.FirstLine.CompareTo(y.FirstLine)
                : x.Line != y.Line ? x.Line.CompareTo(y.Line)
                : string.CompareOrdinal(x.Function, y.Function) != 0 ? string.CompareOrdinal(x.Function, y.Function)
                : string.CompareOrdinal(x.File, y.File);
        });
        var rank = new int[frames.Count];
        for (var r = 0; r < order.Length; r++) rank[order[r]] = r;
        return rank;
    }

    /// <summary>A counting sort of stack ids by parent: children of stack p are at [start[p + 1], start[p + 2]).</summary>
    private static (int[] Start, int[] Children) IndexChildren(StackTable stacks)
    {
        var start = new int[stacks.Count + 2];
        for (var s = 0; s < stacks.Count; s++) start[stacks.ParentOf(s) + 2]++;
        for (var p = 2; p < start.Length; p++) start[p] += start[p - 1];
        var next = (int[])start.Clone();
        var children = new int[stacks.Count];
        for (var s = 0; s < stacks.Count; s++) children[next[stacks.ParentOf(s) + 1]++] = s;
        return (start, children);
    }
}
