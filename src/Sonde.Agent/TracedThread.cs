using Sonde.Profiles.CallGraph;

namespace Sonde.Agent;

/// <summary>One thread of a traced process and its exact statistics, as of the agent's last report.</summary>
public sealed class TracedThread
{
    internal TracedThread(int sequence, long nativeId, string name, bool final, IReadOnlyList<FunctionCallStats> functions,
        IReadOnlyList<CallEdge> edges, IReadOnlyList<TracedLine> lines)
    {
        Sequence = sequence;
        NativeId = nativeId;
        Name = name;
        Final = final;
        Functions = functions;
        Edges = edges;
        Lines = lines;
    }

    /// <summary>The order the agent saw the thread start in; 0 is the main thread.</summary>
    public int Sequence { get; }

    /// <summary>The kernel's thread id.</summary>
    public long NativeId { get; }

    public string Name { get; }

    /// <summary>False when the process died before the thread's last report (the statistics end at a periodic flush).</summary>
    public bool Final { get; }

    public IReadOnlyList<FunctionCallStats> Functions { get; }
    public IReadOnlyList<CallEdge> Edges { get; }
    public IReadOnlyList<TracedLine> Lines { get; }
}
