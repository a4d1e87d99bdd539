using Sonde.Profiles;

namespace Sonde.Formats.Callgrind;

/// <summary>
/// The costs a callgrind file lists, summed from the profile's stacks: each function's own cost per line,
/// and for each call (caller, line in the caller, callee) the inclusive cost and the number of samples.
/// </summary>
/// <remarks>
/// callgrind_annotate takes a called function's inclusive cost to be the sum of the calls into it, and a
/// root's to be its own cost plus its calls out. So that a recursive function is counted once per sample,
/// a sample only adds its cost to the call into the outermost activation of each function: the inner
/// calls of a recursion add nothing, and a function that calls itself directly has no call to itself.
/// </remarks>
internal sealed class CallgrindCosts
{
    private readonly int _width;
    private readonly Dictionary<FunctionKey, int> _functionIds = [];
    private readonly Dictionary<(int Function, int Line), long[]> _own = [];
    private readonly Dictionary<(int Caller, int Line, int Callee), Call> _calls = [];

    private CallgrindCosts(int width)
    {
        _width = width;
        Totals = new long[width];
    }

    /// <summary>Functions in the order samples first reach them, outermost first; an id is an index.</summary>
    public List<FunctionKey> Functions { get; } = [];

    public long[] Totals { get; }

    public static CallgrindCosts Collect(Profile profile, WriteOptions options)
    {
        var costs = new CallgrindCosts(profile.WeightTypes.Count);
        var frames = new MergedFrames(profile, options.Lines);
        var stacks = new MergedStacks(profile, frames);
        var sums = StackSums.Collect(profile, stacks, options.ThreadRoots);
        var path = new List<Frame>();
        var stamps = new List<int>();
        for (var entry = 0; entry < sums.Count; entry++)
        {
            path.Clear();
            for (var s = sums.StackOf(entry); s != StackTable.Root; s = stacks.Table.ParentOf(s)) path.Add(frames[stacks.Table.FrameOf(s)]);
            if (sums.ThreadOf(entry) >= 0) path.Add(frames[frames.OfThread(sums.ThreadOf(entry))]);
            path.Reverse();
            costs.Add(path, sums.WeightsOf(entry), sums.CountOf(entry), entry + 1, stamps);
        }
        return costs;
    }

    /// <summary>Own costs per function, each function's lines in ascending order.</summary>
    public ILookup<int, (int Line, long[] Costs)> OwnCostsByFunction() =>
        _own.OrderBy(c => c.Key.Line).ToLookup(c => c.Key.Function, c => (c.Key.Line, c.Value));

    /// <summary>Calls per caller, ordered by the line in the caller, then by callee.</summary>
    public ILookup<int, (int Line, int Callee, Call Call)> CallsByCaller() =>
        _calls.OrderBy(c => c.Key.Line).ThenBy(c => c.Key.Callee).ToLookup(c => c.Key.Caller, c => (c.Key.Line, c.Key.Callee, c.Value));

    /// <param name="stamp">A number unique to this stack, marking the functions already seen in it.</param>
    private void Add(List<Frame> path, ReadOnlySpan<long> weights, long samples, int stamp, List<int> stamps)
    {
        var caller = -1;
        var callerLine = 0;
        foreach (var frame in path)
        {
            var function = FunctionId(frame.FunctionKey, stamps);
            if (stamps[function] != stamp)
            {
                stamps[function] = stamp;
                if (caller >= 0) AddCall(caller, callerLine, function, weights, samples);
            }
            caller = function;
            callerLine = frame.DisplayLine;
        }
        if (caller < 0) return;
        var key = (caller, callerLine);
        if (!_own.TryGetValue(key, out var own)) _own.Add(key, own = new long[_width]);
        for (var w = 0; w < _width; w++)
        {
            own[w] += weights[w];
            Totals[w] += weights[w];
        }
    }

    private void AddCall(int caller, int line, int callee, ReadOnlySpan<long> weights, long samples)
    {
        var key = (caller, line, callee);
        if (!_calls.TryGetValue(key, out var call)) _calls.Add(key, call = new Call(_width));
        call.Samples += samples;
        for (var w = 0; w < _width; w++) call.Costs[w] += weights[w];
    }

    private int FunctionId(FunctionKey key, List<int> stamps)
    {
        if (_functionIds.TryGetValue(key, out var id)) return id;
        id = Functions.Count;
        Functions.Add(key);
        _functionIds.Add(key, id);
        stamps.Add(0);
        return id;
    }

    /// <summary>One call site: its inclusive costs and how many samples passed through it.</summary>
    internal sealed class Call(int width)
    {
        public long Samples { get; set; }
        public long[] Costs { get; } = new long[width];
    }
}
