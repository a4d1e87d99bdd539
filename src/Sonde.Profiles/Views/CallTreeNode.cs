namespace Sonde.Profiles.Views;

/// <summary>One node of a call tree: a frame reached through a particular path of callers.</summary>
public sealed class CallTreeNode(Frame frame, CallTreeNode? parent)
{
    private Dictionary<Frame, CallTreeNode>? _children;

    public Frame Frame { get; } = frame;
    public CallTreeNode? Parent { get; } = parent;
    public long Total { get; internal set; }
    public long Own { get; internal set; }

    public IEnumerable<CallTreeNode> Children => _children?.Values ?? Enumerable.Empty<CallTreeNode>();

    internal CallTreeNode Child(Frame frame)
    {
        _children ??= [];
        if (!_children.TryGetValue(frame, out var child))
        {
            child = new CallTreeNode(frame, this);
            _children.Add(frame, child);
        }
        return child;
    }
}
