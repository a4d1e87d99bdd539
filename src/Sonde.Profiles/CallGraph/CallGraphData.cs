namespace Sonde.Profiles.CallGraph;

/// <summary>
/// An exact call graph: per-function call counts and times, and the same numbers per caller → callee edge.
/// Sampled profiles have none; cProfile files and the exact tracing mode fill it. Adding a function or an edge
/// that is already there sums the numbers, which is how several runs combine (pstats' <c>add</c>).
/// </summary>
public sealed class CallGraphData
{
    private readonly List<FunctionCallStats> _functions = [];
    private readonly Dictionary<FunctionKey, int> _functionIndex = [];
    private readonly List<CallEdge> _edges = [];
    private readonly Dictionary<(FunctionKey Caller, FunctionKey Callee), int> _edgeIndex = [];
    private Dictionary<FunctionKey, List<int>>? _callersOf;
    private Dictionary<FunctionKey, List<int>>? _calleesOf;

    public IReadOnlyList<FunctionCallStats> Functions => _functions;

    public IReadOnlyList<CallEdge> Edges => _edges;

    /// <summary>Own time of every function: the profile's total time, as pstats counts it.</summary>
    public long TotalOwnNs { get; private set; }

    public long TotalCalls { get; private set; }

    public long TotalPrimitiveCalls { get; private set; }

    /// <summary>False when every count is zero, as in a pstats file written from a sampled profile.</summary>
    public bool HasCallCounts => TotalCalls > 0;

    public void Add(FunctionCallStats stats)
    {
        if (_functionIndex.TryGetValue(stats.Function, out var index)) _functions[index] = _functions[index].Plus(stats);
        else
        {
            _functionIndex.Add(stats.Function, _functions.Count);
            _functions.Add(stats);
        }
        TotalOwnNs += stats.OwnNs;
        TotalCalls += stats.Calls;
        TotalPrimitiveCalls += stats.PrimitiveCalls;
    }

    /// <summary>Adds an edge; a caller or callee not yet known is added as a function with no calls or time.</summary>
    public void Add(CallEdge edge)
    {
        if (!_functionIndex.ContainsKey(edge.Caller)) Add(new FunctionCallStats(edge.Caller, 0, 0, 0, 0));
        if (!_functionIndex.ContainsKey(edge.Callee)) Add(new FunctionCallStats(edge.Callee, 0, 0, 0, 0));
        if (_edgeIndex.TryGetValue((edge.Caller, edge.Callee), out var index)) _edges[index] = _edges[index].Plus(edge);
        else
        {
            _edgeIndex.Add((edge.Caller, edge.Callee), _edges.Count);
            _edges.Add(edge);
            _callersOf = null;
            _calleesOf = null;
        }
    }

    public bool TryGet(FunctionKey function, out FunctionCallStats stats)
    {
        if (_functionIndex.TryGetValue(function, out var index))
        {
            stats = _functions[index];
            return true;
        }
        stats = default;
        return false;
    }

    /// <summary>The edges into <paramref name="function"/>, one per caller.</summary>
    public IEnumerable<CallEdge> CallersOf(FunctionKey function) =>
        EdgesAt(_callersOf ??= IndexEdges(e => e.Callee), function);

    /// <summary>The edges out of <paramref name="function"/>, one per callee.</summary>
    public IEnumerable<CallEdge> CalleesOf(FunctionKey function) =>
        EdgesAt(_calleesOf ??= IndexEdges(e => e.Caller), function);

    private IEnumerable<CallEdge> EdgesAt(Dictionary<FunctionKey, List<int>> index, FunctionKey function) =>
        index.TryGetValue(function, out var edges) ? edges.Select(i => _edges[i]) : [];

    private Dictionary<FunctionKey, List<int>> IndexEdges(Func<CallEdge, FunctionKey> keyOf)
    {
        var index = new Dictionary<FunctionKey, List<int>>();
        for (var i = 0; i < _edges.Count; i++)
        {
            var key = keyOf(_edges[i]);
            if (!index.TryGetValue(key, out var list)) index.Add(key, list = []);
            list.Add(i);
        }
        return index;
    }
}
