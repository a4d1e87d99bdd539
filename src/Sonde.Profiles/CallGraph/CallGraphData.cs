namespace Sonde.Profiles.CallGraph;

/// <summary>
/// An exact call graph: per-function call counts and times, and the same numbers per caller → callee edge.
/// Sampled profiles have none; cProfile files and the exact tracing mode fill it. Adding a function or an edge
/// that is already there sums the numbers, which is how several runs combine (pstats' <c>add</c>).
/// Functions have dense indexes in the order they were added, so readers can add edges without hashing names.
/// </summary>
public sealed class CallGraphData
{
    private readonly List<FunctionCallStats> _functions = [];
    private readonly Dictionary<FunctionKey, int> _functionIndex = [];
    private readonly List<CallEdge> _edges = [];
    private readonly List<(int Caller, int Callee)> _edgeEnds = [];
    private readonly Dictionary<long, int> _edgeIndex = [];
    private List<int>[]? _callersOf;
    private List<int>[]? _calleesOf;

    public IReadOnlyList<FunctionCallStats> Functions => _functions;

    public IReadOnlyList<CallEdge> Edges => _edges;

    /// <summary>Own time of every function: the profile's total time, as pstats counts it.</summary>
    public long TotalOwnNs { get; private set; }

    public long TotalCalls { get; private set; }

    public long TotalPrimitiveCalls { get; private set; }

    /// <summary>False when every count is zero, as in a pstats file written from a sampled profile.</summary>
    public bool HasCallCounts => TotalCalls > 0;

    /// <summary>Makes room for this many functions and edges in all, so a reader that knows them adds without regrowing.</summary>
    public void EnsureCapacity(int functions, int edges)
    {
        _functions.EnsureCapacity(functions);
        _functionIndex.EnsureCapacity(functions);
        _edges.EnsureCapacity(edges);
        _edgeEnds.EnsureCapacity(edges);
        _edgeIndex.EnsureCapacity(edges);
    }

    /// <summary>Adds a function's numbers (to any already there) and returns its index.</summary>
    public int Add(FunctionCallStats stats)
    {
        if (_functionIndex.TryGetValue(stats.Function, out var index)) _functions[index] = _functions[index].Plus(stats);
        else
        {
            index = _functions.Count;
            _functionIndex.Add(stats.Function, index);
            _functions.Add(stats);
        }
        TotalOwnNs += stats.OwnNs;
        TotalCalls += stats.Calls;
        TotalPrimitiveCalls += stats.PrimitiveCalls;
        return index;
    }

    /// <summary>The index of a function, added with no calls or time when it is not there yet.</summary>
    public int IndexOf(FunctionKey function) =>
        _functionIndex.TryGetValue(function, out var index) ? index : Add(new FunctionCallStats(function, 0, 0, 0, 0));

    /// <summary>Adds an edge; a caller or callee not yet known is added as a function with no calls or time.</summary>
    public void Add(CallEdge edge) =>
        AddEdge(IndexOf(edge.Caller), IndexOf(edge.Callee), edge.Calls, edge.PrimitiveCalls, edge.OwnNs, edge.TotalNs);

    /// <summary>Adds an edge between functions given by index (see <see cref="Add(FunctionCallStats)"/>).</summary>
    public void AddEdge(int caller, int callee, long calls, long primitiveCalls, long ownNs, long totalNs)
    {
        var edge = new CallEdge(_functions[caller].Function, _functions[callee].Function, calls, primitiveCalls, ownNs, totalNs);
        var key = ((long)caller << 32) | (uint)callee;
        if (_edgeIndex.TryGetValue(key, out var index)) _edges[index] = _edges[index].Plus(edge);
        else
        {
            _edgeIndex.Add(key, _edges.Count);
            _edges.Add(edge);
            _edgeEnds.Add((caller, callee));
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
    public IEnumerable<CallEdge> CallersOf(FunctionKey function) => EdgesAt(_callersOf ??= IndexEdges(callers: true), function);

    /// <summary>The edges out of <paramref name="function"/>, one per callee.</summary>
    public IEnumerable<CallEdge> CalleesOf(FunctionKey function) => EdgesAt(_calleesOf ??= IndexEdges(callers: false), function);

    /// <summary>The caller's and callee's indexes of an edge, by the edge's index in <see cref="Edges"/>.</summary>
    internal (int Caller, int Callee) EndsOf(int edgeIndex) => _edgeEnds[edgeIndex];

    private IEnumerable<CallEdge> EdgesAt(List<int>[] index, FunctionKey function) =>
        _functionIndex.TryGetValue(function, out var f) && index[f] is { } edges ? edges.Select(i => _edges[i]) : [];

    private List<int>[] IndexEdges(bool callers)
    {
        var index = new List<int>[_functions.Count];
        for (var i = 0; i < _edgeEnds.Count; i++)
        {
            var at = callers ? _edgeEnds[i].Callee : _edgeEnds[i].Caller;
            (index[at] ??= []).Add(i);
        }
        return index;
    }
}
