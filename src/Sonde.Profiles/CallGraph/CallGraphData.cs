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
    // Edges are kept as indexes and numbers, and made into CallEdge values only when asked for: a large cProfile
    // file has hundreds of thousands, and the table view never needs them.
    private readonly List<(int Caller, int Callee)> _edgeEnds = [];
    private readonly List<(long Calls, long PrimitiveCalls, long OwnNs, long TotalNs)> _edgeNumbers = [];
    private List<CallEdge>? _edges;
    private readonly Dictionary<EdgeKey, int> _edgeIndex = [];
    private List<int>[]? _callersOf;

    public IReadOnlyList<FunctionCallStats> Functions => _functions;

    public IReadOnlyList<CallEdge> Edges => _edges ??= MakeEdges();

    /// <summary>Own time of every function: the profile's total time, as pstats counts it.</summary>
    public long TotalOwnNs { get; private set; }

    public long TotalCalls { get; private set; }

    public long TotalPrimitiveCalls { get; private set; }

    /// <summary>False when every count is zero, as in a pstats file written from a sampled profile.</summary>
    public bool HasCallCounts => TotalCalls > 0;

    /// <summary>Adds a function's numbers (to any already there) and returns its index.</summary>
    public int Add(FunctionCallStats stats)
    {
        if (_functionIndex.TryGetValue(stats.Function, out var index))
        {
            AddTo(index, stats.Calls, stats.PrimitiveCalls, stats.OwnNs, stats.TotalNs);
            return index;
        }
        index = _functions.Count;
        _functionIndex.Add(stats.Function, index);
        _functions.Add(stats);
        _callersOf = null;
        TotalOwnNs += stats.OwnNs;
        TotalCalls += stats.Calls;
        TotalPrimitiveCalls += stats.PrimitiveCalls;
        return index;
    }

    /// <summary>Adds to the numbers of the function with this index (see <see cref="IndexOf"/>).</summary>
    public void AddTo(int index, long calls, long primitiveCalls, long ownNs, long totalNs)
    {
        var stats = _functions[index];
        _functions[index] = stats.Plus(new FunctionCallStats(stats.Function, calls, primitiveCalls, ownNs, totalNs));
        TotalOwnNs += ownNs;
        TotalCalls += calls;
        TotalPrimitiveCalls += primitiveCalls;
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
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)caller, (uint)_functions.Count, nameof(caller));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)callee, (uint)_functions.Count, nameof(callee));
        var key = new EdgeKey(caller, callee);
        if (_edgeIndex.TryGetValue(key, out var index))
        {
            var sum = _edgeNumbers[index];
            _edgeNumbers[index] = (sum.Calls + calls, sum.PrimitiveCalls + primitiveCalls, sum.OwnNs + ownNs, sum.TotalNs + totalNs);
        }
        else
        {
            _edgeIndex.Add(key, _edgeEnds.Count);
            _edgeEnds.Add((caller, callee));
            _edgeNumbers.Add((calls, primitiveCalls, ownNs, totalNs));
            _callersOf = null;
        }
        _edges = null;
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
    public IEnumerable<CallEdge> CallersOf(FunctionKey function)
    {
        _callersOf ??= IndexCallers();
        var all = Edges;
        return _functionIndex.TryGetValue(function, out var f) && _callersOf[f] is { } edges ? edges.Select(i => all[i]) : [];
    }

    /// <summary>The caller's and callee's indexes of an edge, by the edge's index in <see cref="Edges"/>.</summary>
    internal (int Caller, int Callee) EndsOf(int edgeIndex) => _edgeEnds[edgeIndex];

    private List<CallEdge> MakeEdges()
    {
        var edges = new List<CallEdge>(_edgeEnds.Count);
        for (var i = 0; i < _edgeEnds.Count; i++)
        {
            var (caller, callee) = _edgeEnds[i];
            var (calls, primitiveCalls, ownNs, totalNs) = _edgeNumbers[i];
            edges.Add(new CallEdge(_functions[caller].Function, _functions[callee].Function, calls, primitiveCalls, ownNs, totalNs));
        }
        return edges;
    }

    private List<int>[] IndexCallers()
    {
        var index = new List<int>[_functions.Count];
        for (var i = 0; i < _edgeEnds.Count; i++) (index[_edgeEnds[i].Callee] ??= []).Add(i);
        return index;
    }

    /// <summary>
    /// An edge's ends, hashed so that neighbouring indexes spread out: a reader numbers a function's callers
    /// right after it, and a plain combination of two close numbers collides all the time.
    /// </summary>
    private readonly struct EdgeKey(int caller, int callee) : IEquatable<EdgeKey>
    {
        private readonly long _ends = ((long)caller << 32) | (uint)callee;

        public bool Equals(EdgeKey other) => _ends == other._ends;

        public override bool Equals(object? obj) => obj is EdgeKey other && Equals(other);

        public override int GetHashCode() => (int)((ulong)(_ends * -7046029254386353131L) >> 32);
    }
}
