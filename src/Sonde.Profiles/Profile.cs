using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Lines;
using Sonde.Profiles.Memory;

namespace Sonde.Profiles;

/// <summary>
/// The one profile model every source produces and every consumer reads: interned frames and stacks,
/// threads, and samples held column by column (stack, thread, time, and one value per weight type).
/// </summary>
public sealed class Profile
{
    private readonly SampleColumn<int> _stackIds = new();
    private readonly SampleColumn<int> _threadIndexes = new();
    private readonly SampleColumn<long> _timestamps = new();
    // One column per weight type: an aggregate reads one weight of every sample.
    private readonly SampleColumn<long>[] _weights;
    // Null until a source gives a sample a state: most profiles never pay for the column.
    private SampleColumn<SampleState>? _states;
    private readonly Dictionary<(int, long), int> _threadIndexById = [];
    private readonly FrameTable _frames = new();
    private readonly StackTable _stacks = new();
    private readonly List<ThreadInfo> _threads = [];
    private Action<Profile>? _pendingSamples;

    public Profile(params WeightType[] weightTypes)
    {
        if (weightTypes.Length == 0) throw new ArgumentException("A profile needs at least one weight type.", nameof(weightTypes));
        WeightTypes = weightTypes;
        _weights = new SampleColumn<long>[weightTypes.Length];
        for (var i = 0; i < _weights.Length; i++) _weights[i] = new SampleColumn<long>();
    }

    public IReadOnlyList<WeightType> WeightTypes { get; }
    public FrameTable Frames => Ensured(_frames);
    public StackTable Stacks => Ensured(_stacks);
    public List<ThreadInfo> Threads => Ensured(_threads);
    public ProfileMetadata Metadata { get; } = new();

    /// <summary>
    /// The exact call graph, when a deterministic profiler counted calls (cProfile files, exact tracing); null
    /// for sampled profiles. Such a profile's samples are estimated from the graph (<see cref="CallGraphStacks"/>).
    /// </summary>
    public CallGraphData? CallGraph { get; set; }

    /// <summary>
    /// The exact call graph of each thread, by thread index, when the source kept threads apart (<c>sonde trace</c>);
    /// <see cref="CallGraph"/> is then their sum. Empty when only the merged graph is known (cProfile files).
    /// </summary>
    public Dictionary<int, CallGraphData> ThreadCallGraphs { get; } = [];

    /// <summary>Exact per-line timings of chosen functions (<c>sonde trace --lines</c>); null when none were taken.</summary>
    public LineTimingData? LineTimings { get; set; }

    /// <summary>Memory timelines, garbage collections and memory totals; null when none were measured.</summary>
    public MemoryData? Memory { get; set; }

    public int SampleCount => Ensured(_stackIds).Count;

    public int StackIdOf(int sample) => Ensured(_stackIds)[sample];
    public int ThreadIndexOf(int sample) => Ensured(_threadIndexes)[sample];

    /// <summary>Nanoseconds since <see cref="ProfileMetadata.StartTime"/>.</summary>
    public long TimestampOf(int sample) => Ensured(_timestamps)[sample];

    public long WeightOf(int sample, int weightIndex) => Ensured(_weights)[weightIndex][sample];

    /// <summary>True when some samples carry a <see cref="SampleState"/> (a sampler that read them).</summary>
    public bool HasThreadStates => EnsuredStates is not null;

    /// <summary>The sampled thread's state at that sample; <see cref="SampleState.Unknown"/> when the source didn't say.</summary>
    public SampleState ThreadStateOf(int sample) => EnsuredStates is { } states ? states[sample] : SampleState.Unknown;

    // Deferred samples are added first, since they may bring the column with them.
    private SampleColumn<SampleState>? EnsuredStates
    {
        get
        {
            Ensured(_stackIds);
            return _states;
        }
    }

    /// <summary>
    /// Sets the states of the samples from <paramref name="firstSample"/> on (a reader's block of them); samples
    /// left out keep <see cref="SampleState.Unknown"/>.
    /// </summary>
    public void SetThreadStates(int firstSample, ReadOnlySpan<SampleState> states)
    {
        if (firstSample < 0 || firstSample + states.Length > SampleCount)
            throw new ArgumentOutOfRangeException(nameof(firstSample), "The states name samples the profile doesn't hold.");
        StateColumn().SetRange(firstSample, states);
    }

    private SampleColumn<SampleState> StateColumn()
    {
        if (_states is null)
        {
            _states = new SampleColumn<SampleState>();
            _states.GrowTo(_stackIds.Count);
        }
        return _states;
    }

    /// <summary>
    /// Defers adding samples until the first time anything reads or adds samples, frames, stacks or threads.
    /// A call-graph profile uses it so that views that need only the call graph never pay for its stacks.
    /// </summary>
    public void AddSamplesLater(Action<Profile> addSamples)
    {
        if (_pendingSamples is not null) throw new InvalidOperationException("Samples are already deferred.");
        _pendingSamples = addSamples;
    }

    private T Ensured<T>(T part)
    {
        if (_pendingSamples is { } pending)
        {
            _pendingSamples = null;
            pending(this);
        }
        return part;
    }

    public int WeightIndex(string name)
    {
        for (var i = 0; i < WeightTypes.Count; i++)
            if (WeightTypes[i].Name == name) return i;
        return -1;
    }

    /// <summary>Index of the thread with this id, added with <paramref name="name"/> when first seen.</summary>
    public int ThreadIndex(int processId, long threadId, string name)
    {
        var threads = Threads;
        if (_threadIndexById.TryGetValue((processId, threadId), out var index))
        {
            if (threads[index].Name != name && name.Length > 0) threads[index] = threads[index] with { Name = name };
            return index;
        }
        index = threads.Count;
        threads.Add(new ThreadInfo(processId, threadId, name));
        _threadIndexById.Add((processId, threadId), index);
        return index;
    }

    /// <summary>
    /// Makes room for <paramref name="totalSamples"/> samples at once, so a reader that knows how many are coming
    /// spares the repeated copying of growing columns.
    /// </summary>
    public void EnsureSampleCapacity(int totalSamples)
    {
        _stackIds.MakeRoom(totalSamples);
        _threadIndexes.MakeRoom(totalSamples);
        _timestamps.MakeRoom(totalSamples);
        foreach (var column in _weights) column.MakeRoom(totalSamples);
        _states?.MakeRoom(totalSamples);
    }

    public void AddSample(int stackId, int threadIndex, long timestampNs, ReadOnlySpan<long> weights)
    {
        if (weights.Length != WeightTypes.Count)
            throw new ArgumentException($"Expected {WeightTypes.Count} weights, got {weights.Length}.", nameof(weights));
        Ensured(_stackIds).Add(stackId);
        _threadIndexes.Add(threadIndex);
        _timestamps.Add(timestampNs);
        for (var w = 0; w < weights.Length; w++) _weights[w].Add(weights[w]);
        _states?.Add(SampleState.Unknown);
    }

    /// <summary>Adds a sample together with the state its thread was in.</summary>
    public void AddSample(int stackId, int threadIndex, long timestampNs, ReadOnlySpan<long> weights, SampleState state)
    {
        AddSample(stackId, threadIndex, timestampNs, weights);
        if (state != SampleState.Unknown) StateColumn()[_stackIds.Count - 1] = state;
    }

    /// <summary>
    /// Adds many samples at once, given column by column; <paramref name="weights"/> holds the first sample's
    /// weights, then the second's, and so on. Readers use it to add a decoded block without a call per sample.
    /// </summary>
    public void AddSamples(ReadOnlySpan<int> stackIds, ReadOnlySpan<int> threadIndexes, ReadOnlySpan<long> timestampsNs, ReadOnlySpan<long> weights)
    {
        if (threadIndexes.Length != stackIds.Length || timestampsNs.Length != stackIds.Length || weights.Length != stackIds.Length * WeightTypes.Count)
            throw new ArgumentException("The sample columns differ in length.");
        _stackIds.AddRange(stackIds);
        _threadIndexes.AddRange(threadIndexes);
        _timestamps.AddRange(timestampsNs);
        for (var w = 0; w < _weights.Length; w++) _weights[w].AddStrided(weights, w, _weights.Length);
        _states?.GrowTo(_stackIds.Count);
    }

    /// <summary>Adds a sample whose only weight is 1 in a profile with a single weight type.</summary>
    public void AddSample(int stackId, int threadIndex, long timestampNs) => AddSample(stackId, threadIndex, timestampNs, [1]);

    /// <summary>Interns a stack given as frames, outermost first.</summary>
    public int InternStack(IEnumerable<Frame> framesOutermostFirst)
    {
        var stack = StackTable.Root;
        foreach (var frame in framesOutermostFirst) stack = Stacks.Intern(stack, Frames.Intern(frame));
        return stack;
    }

    /// <summary>Sum of one weight per stack id, optionally for one thread index only.</summary>
    public long[] TotalsByStack(int weightIndex = 0, Func<int, bool>? includeThread = null)
    {
        var totals = new long[Stacks.Count];
        var weightColumn = _weights[weightIndex];
        for (var chunk = 0; chunk < _stackIds.ChunkCount; chunk++)
        {
            var stacks = _stackIds.Chunk(chunk);
            var weights = weightColumn.Chunk(chunk);
            var threads = _threadIndexes.Chunk(chunk);
            for (var i = 0; i < stacks.Length; i++)
            {
                var stack = stacks[i];
                if (stack < 0 || (includeThread != null && !includeThread(threads[i]))) continue;
                totals[stack] += weights[i];
            }
        }
        return totals;
    }

    public long TotalWeight(int weightIndex = 0)
    {
        long total = 0;
        var column = Ensured(_weights)[weightIndex];
        for (var chunk = 0; chunk < column.ChunkCount; chunk++)
            foreach (var weight in column.Chunk(chunk)) total += weight;
        return total;
    }
}
