using Sonde.Profiles;

namespace Sonde.Formats.Dot;

/// <summary>
/// Functions and the calls between them, each with the weight of the samples it is part of. A sample counts
/// once towards a function however often the function is on its stack, and once towards each caller-callee
/// pair however often that call repeats, so no share exceeds 100%.
/// </summary>
internal sealed class CallGraph
{
    private readonly Dictionary<FunctionKey, int> _ids = [];

    private CallGraph()
    {
    }

    public List<Node> Nodes { get; } = [];
    public Dictionary<(int Caller, int Callee), long> Edges { get; } = [];
    public long Total { get; private set; }

    public sealed class Node(FunctionKey function)
    {
        public FunctionKey Function { get; } = function;
        public long Own { get; set; }
        public long Total { get; set; }
        internal int Stamp { get; set; }
    }

    public static CallGraph Build(Profile profile, WriteOptions options)
    {
        var graph = new CallGraph();
        var frames = new MergedFrames(profile, keepLines: false);
        var edgeStamps = new Dictionary<(int, int), int>();
        var path = new List<int>();
        var stamp = 0;
        foreach (var entry in StackWeights.Collect(profile, options.WeightIndex, options.ThreadRoots))
        {
            stamp++;
            path.Clear();
            for (var s = entry.StackId; s != StackTable.Root; s = profile.Stacks.ParentOf(s))
                path.Add(graph.NodeId(frames[frames.OfProfileFrame(profile.Stacks.FrameOf(s))].FunctionKey));
            if (entry.ThreadIndex >= 0) path.Add(graph.NodeId(frames[frames.OfThread(entry.ThreadIndex)].FunctionKey));

            graph.Total += entry.Weight;
            graph.Nodes[path[0]].Own += entry.Weight;
            for (var i = 0; i < path.Count; i++)
            {
                var node = graph.Nodes[path[i]];
                if (node.Stamp != stamp)
                {
                    node.Stamp = stamp;
                    node.Total += entry.Weight;
                }
                if (i == 0) continue;
                // path runs leaf first, so the caller of path[i - 1] is path[i].
                var edge = (path[i], path[i - 1]);
                if (edgeStamps.GetValueOrDefault(edge) == stamp) continue;
                edgeStamps[edge] = stamp;
                graph.Edges[edge] = graph.Edges.GetValueOrDefault(edge) + entry.Weight;
            }
        }
        return graph;
    }

    private int NodeId(FunctionKey function)
    {
        if (_ids.TryGetValue(function, out var id)) return id;
        id = Nodes.Count;
        Nodes.Add(new Node(function));
        _ids.Add(function, id);
        return id;
    }
}
