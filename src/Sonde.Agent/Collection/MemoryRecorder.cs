using Sonde.Agent.Memory;
using Sonde.Agent.Protocol;
using Sonde.Profiles.Memory;

namespace Sonde.Agent.Collection;

/// <summary>
/// Keeps what one process's memory agent sends: sites, the latest stacks of each kind (each message replaces the
/// last), the traced-memory timeline and every collection (appended), the longest pauses and the latest figures.
/// Called under its <see cref="ProcessRecorder"/>'s lock.
/// </summary>
internal sealed class MemoryRecorder
{
    private const int StatusUnavailable = 1;

    private readonly Dictionary<int, MemorySite> _sites = [];
    private readonly Dictionary<MemoryStackKind, MemoryStackSet> _stacks = [];
    private readonly List<TracedMemoryPoint> _timeline = [];
    private readonly List<GcEvent> _collections = [];
    private List<GcEvent> _longest = [];
    private readonly List<ObjectSnapshot> _objects = [];
    private ObjectChain? _chain;
    private MemoryInfo? _info;
    private string? _problem;
    private bool _unavailable;

    public void Handle(AgentMessageKind kind, ref PayloadReader reader)
    {
        switch (kind)
        {
            case AgentMessageKind.MemorySite:
                var id = reader.I32();
                var function = reader.String();
                var file = reader.String();
                _sites[id] = new MemorySite(function, file, reader.I32(), reader.I32());
                break;
            case AgentMessageKind.MemoryStacks:
                ReadStacks(ref reader);
                break;
            case AgentMessageKind.MemoryTimeline:
                var points = reader.Count(24);
                for (var i = 0; i < points; i++) _timeline.Add(new TracedMemoryPoint(reader.I64(), reader.I64(), reader.I64()));
                break;
            case AgentMessageKind.GcEvents:
                var events = reader.Count(40);
                for (var i = 0; i < events; i++)
                    _collections.Add(new GcEvent(reader.I64(), reader.I64(), (int)reader.I64(), reader.I64(), reader.I64(), []));
                break;
            case AgentMessageKind.GcLongest:
                var count = reader.Count(26);
                var longest = new List<GcEvent>(count);
                for (var i = 0; i < count; i++)
                {
                    var start = reader.I64();
                    var duration = reader.I64();
                    var generation = (int)reader.I64();
                    longest.Add(new GcEvent(start, duration, generation, 0, 0, Sites(ref reader, reader.U16())));
                }
                _longest = longest;
                break;
            case AgentMessageKind.MemoryStatus:
                _unavailable |= reader.U8() == StatusUnavailable;
                _problem ??= reader.String();
                break;
            case AgentMessageKind.ObjectCounts:
                var time = reader.I64();
                var types = new ObjectTypeCount[reader.Count(20)];
                for (var i = 0; i < types.Length; i++) types[i] = new ObjectTypeCount(reader.String(), reader.I64(), reader.I64());
                _objects.Add(new ObjectSnapshot(time, types));
                break;
            case AgentMessageKind.ObjectChain:
                var type = reader.String();
                var steps = new string[reader.U16()];
                for (var i = 0; i < steps.Length; i++) steps[i] = reader.String();
                _chain = new ObjectChain(type, steps);
                break;
            case AgentMessageKind.MemoryInfo:
                _info = new MemoryInfo(reader.I64(), reader.I64(), reader.I64(), reader.U16(), reader.U32(), reader.U32(), BitConverter.Int64BitsToDouble(reader.I64()));
                // Agents of the native engine add which engine measured and its sampling interval.
                if (reader.Remaining >= 5) _info = _info with { Native = reader.U8() == 1, SampleBytes = reader.U32() };
                break;
        }
    }

    private void ReadStacks(ref PayloadReader reader)
    {
        var which = reader.U8();
        if (which > (byte)MemoryStackKind.Leaked) throw new AgentProtocolException($"unknown kind of memory stacks {which}");
        var total = reader.I64();
        var when = reader.I64();
        var count = reader.Count(18);
        var stacks = new List<MemoryStack>(count);
        for (var i = 0; i < count; i++)
        {
            var bytes = reader.I64();
            var allocations = reader.I64();
            stacks.Add(new MemoryStack(bytes, allocations, Sites(ref reader, reader.U16())));
        }
        _stacks[(MemoryStackKind)which] = new MemoryStackSet(total, when, stacks);
    }

    private MemorySite[] Sites(ref PayloadReader reader, int depth)
    {
        var sites = new MemorySite[depth];
        for (var i = 0; i < depth; i++)
        {
            var id = reader.I32();
            sites[i] = _sites.TryGetValue(id, out var site) ? site : throw new AgentProtocolException($"a memory stack names site {id}, which was never described");
        }
        return sites;
    }

    public ProcessMemory ToResult() => new()
    {
        Stacks = new Dictionary<MemoryStackKind, MemoryStackSet>(_stacks),
        Timeline = _timeline.ToList(),
        Collections = _collections.ToList(),
        LongestPauses = _longest.ToList(),
        Info = _info,
        ObjectSnapshots = _objects.ToList(),
        ObjectChain = _chain,
        Problem = _problem,
        Unavailable = _unavailable,
    };
}
