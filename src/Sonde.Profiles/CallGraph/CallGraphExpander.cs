namespace Sonde.Profiles.CallGraph;

/// <summary>The work of <see cref="CallGraphStacks.AddSamples"/>: walks from each function up through its callers.</summary>
internal sealed class CallGraphExpander
{
    private const double MinShareOfTotal = 1e-4;
    private const int MaxDepth = 256;
    // Bounds the time a hostile graph (one function with a million callers) can take; past it, stacks stop growing.
    private const long WorkBudget = 50_000_000;

    private readonly Profile _profile;
    private readonly int _threadIndex;
    private readonly int _wallIndex;
    private readonly int _callsIndex;
    private readonly long[] _weights;

    private readonly int[] _frameIds;
    private readonly long[] _own;
    private readonly long[] _total;
    private readonly long[] _calls;
    // Incoming edges of each function, stored contiguously: _inStart[f] .. _inStart[f + 1].
    private readonly int[] _inStart;
    private readonly int[] _inCaller;
    private readonly long[] _inOwn;
    private readonly long[] _inTotal;
    private readonly long[] _inCalls;
    private readonly long[] _inOwnSum;
    private readonly long[] _inTotalSum;
    private readonly long[] _inCallsSum;

    private readonly int[] _path = new int[MaxDepth];
    private readonly int[] _stackFrames;
    private readonly int[] _rootFrames;
    private readonly bool[] _onPath;
    private readonly long _minShare;
    private long _work;

    public CallGraphExpander(Profile profile, CallGraphData graph, int threadIndex, int wallIndex, int callsIndex, int[] rootFrames)
    {
        _rootFrames = rootFrames;
        _stackFrames = new int[rootFrames.Length + MaxDepth];
        rootFrames.CopyTo(_stackFrames, 0);
        _profile = profile;
        _threadIndex = threadIndex;
        _wallIndex = wallIndex;
        _callsIndex = callsIndex;
        _weights = new long[profile.WeightTypes.Count];

        var functions = graph.Functions;
        var count = functions.Count;
        _frameIds = new int[count];
        _own = new long[count];
        _total = new long[count];
        _calls = new long[count];
        _onPath = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var f = functions[i];
            _frameIds[i] = profile.Frames.Intern(new Frame(f.Function.Function, f.Function.File, f.Function.FirstLine, 0, f.Function.Kind));
            _own[i] = Math.Max(0, f.OwnNs);
            _total[i] = Math.Max(0, f.TotalNs);
            _calls[i] = Math.Max(0, f.Calls);
        }

        var edges = graph.Edges;
        _inStart = new int[count + 1];
        for (var e = 0; e < edges.Count; e++) _inStart[graph.EndsOf(e).Callee + 1]++;
        for (var i = 0; i < count; i++) _inStart[i + 1] += _inStart[i];
        var fill = (int[])_inStart.Clone();
        _inCaller = new int[edges.Count];
        _inOwn = new long[edges.Count];
        _inTotal = new long[edges.Count];
        _inCalls = new long[edges.Count];
        _inOwnSum = new long[count];
        _inTotalSum = new long[count];
        _inCallsSum = new long[count];
        for (var e = 0; e < edges.Count; e++)
        {
            var edge = edges[e];
            var (caller, callee) = graph.EndsOf(e);
            var slot = fill[callee]++;
            _inCaller[slot] = caller;
            _inOwn[slot] = Math.Max(0, edge.OwnNs);
            _inTotal[slot] = Math.Max(0, edge.TotalNs);
            _inCalls[slot] = Math.Max(0, edge.Calls);
            _inOwnSum[callee] += _inOwn[slot];
            _inTotalSum[callee] += _inTotal[slot];
            _inCallsSum[callee] += _inCalls[slot];
        }

        long totalOwn = 0;
        foreach (var own in _own) totalOwn += own;
        // At least 1 ns, so a piece with calls but no time is not walked up every path.
        _minShare = Math.Max(1, (long)(totalOwn * MinShareOfTotal));
    }

    public void Run()
    {
        for (var f = 0; f < _own.Length; f++)
        {
            if (_own[f] == 0 && _calls[f] == 0) continue;
            _path[0] = f;
            _onPath[f] = true;
            Split(1, _own[f], _calls[f]);
            _onPath[f] = false;
        }
    }

    /// <summary>Shares out the time and calls that reached the top of the path among that function's callers.</summary>
    private void Split(int depth, long time, long calls)
    {
        var top = _path[depth - 1];
        if (depth >= MaxDepth || _work > WorkBudget || (depth > 1 && time < _minShare))
        {
            Emit(depth, time, calls);
            return;
        }

        // The exact per-caller own time splits a function's own time; above it, only totals are known.
        var first = depth == 1;
        var edgeTimes = first ? _inOwn : _inTotal;
        var timeRest = Math.Max(0, (first ? _own[top] : _total[top]) - (first ? _inOwnSum[top] : _inTotalSum[top]));
        var callsRest = Math.Max(0, _calls[top] - _inCallsSum[top]);
        long timeShares = timeRest, callShares = callsRest;
        var start = _inStart[top];
        var end = _inStart[top + 1];
        _work += end - start;
        for (var slot = start; slot < end; slot++)
        {
            if (_onPath[_inCaller[slot]]) continue;
            timeShares += edgeTimes[slot];
            callShares += _inCalls[slot];
        }
        if (timeShares == 0 && callShares == 0)
        {
            Emit(depth, time, calls);
            return;
        }
        // With no times to go by (a very fast function), the calls decide, and the other way round.
        var byCallsForTime = timeShares == 0;
        var byTimeForCalls = callShares == 0;

        var timeLeft = time;
        var callsLeft = calls;
        var restTime = Portion(time, byCallsForTime ? callsRest : timeRest, byCallsForTime ? callShares : timeShares, ref timeLeft);
        var restCalls = Portion(calls, byTimeForCalls ? timeRest : callsRest, byTimeForCalls ? timeShares : callShares, ref callsLeft);
        var last = LastIncludedSlot(start, end);
        if (last < 0)
        {
            // No caller to hand the rounding leftovers to.
            restTime += timeLeft;
            restCalls += callsLeft;
        }
        if (restTime != 0 || restCalls != 0) Emit(depth, restTime, restCalls);

        for (var slot = start; slot < end; slot++)
        {
            var caller = _inCaller[slot];
            if (_onPath[caller]) continue;
            long pieceTime, pieceCalls;
            if (slot == last)
            {
                pieceTime = timeLeft;
                pieceCalls = callsLeft;
            }
            else
            {
                pieceTime = Portion(time, byCallsForTime ? _inCalls[slot] : edgeTimes[slot], byCallsForTime ? callShares : timeShares, ref timeLeft);
                pieceCalls = Portion(calls, byTimeForCalls ? edgeTimes[slot] : _inCalls[slot], byTimeForCalls ? timeShares : callShares, ref callsLeft);
            }
            if (pieceTime == 0 && pieceCalls == 0) continue;
            _path[depth] = caller;
            _onPath[caller] = true;
            Split(depth + 1, pieceTime, pieceCalls);
            _onPath[caller] = false;
        }
    }

    private int LastIncludedSlot(int start, int end)
    {
        for (var slot = end - 1; slot >= start; slot--)
            if (!_onPath[_inCaller[slot]]) return slot;
        return -1;
    }

    /// <summary>share/shares of amount, rounded down and never more than is left, which it takes from.</summary>
    private static long Portion(long amount, long share, long shares, ref long left)
    {
        if (shares <= 0 || share <= 0) return 0;
        var portion = Math.Min(left, (long)Math.Floor(amount * ((double)share / shares)));
        left -= portion;
        return portion;
    }

    private void Emit(int depth, long time, long calls)
    {
        if (time == 0 && calls == 0) return;
        var roots = _rootFrames.Length;
        for (var i = 0; i < depth; i++) _stackFrames[roots + i] = _frameIds[_path[depth - 1 - i]];
        var stack = _profile.Stacks.Intern(_stackFrames.AsSpan(0, roots + depth));
        _weights[_wallIndex] = time;
        if (_callsIndex >= 0) _weights[_callsIndex] = calls;
        _profile.AddSample(stack, _threadIndex, 0, _weights);
    }
}
