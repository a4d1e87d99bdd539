using Sonde.Agent.Protocol;

namespace Sonde.Agent.Collection;

/// <summary>
/// Gathers every connection of a trace. Decides each HELLO: the launched command is stopped when the agent
/// can't trace it (it is reported as an error), a child that can't be traced runs on untraced.
/// </summary>
internal sealed class TraceCollector(AgentOptions options)
{
    private readonly object _lock = new();
    private readonly List<ProcessRecorder> _recorders = [];
    private readonly ManualResetEventSlim _rootKnown = new();
    private int _rootProcessId;

    public AgentOptions Options { get; } = options;

    /// <summary>The launched command's HELLO when it was stopped (unsupported, or its script missing).</summary>
    public AgentHello? RejectedRoot { get; private set; }

    public void SetRoot(int processId)
    {
        _rootProcessId = processId;
        _rootKnown.Set();
    }

    /// <summary>The reply to a HELLO, and the recorder for the rest of the connection (null when it ends here).</summary>
    public (byte[] Reply, ProcessRecorder? Recorder) Admit(AgentHello hello)
    {
        // A process can only connect after it was started, but the start may not have returned yet.
        _rootKnown.Wait(TimeSpan.FromSeconds(10));
        var isRoot = hello.ProcessId == _rootProcessId;
        var traceable = !hello.Unsupported && hello.Protocol == 1;
        if (isRoot && (!traceable || hello.ScriptMissing))
        {
            lock (_lock) RejectedRoot ??= hello;
            return (AgentReply.Stop(), null);
        }
        var recorder = new ProcessRecorder(hello, isRoot, traceable);
        lock (_lock) _recorders.Add(recorder);
        return traceable ? (AgentReply.Go(Options), recorder) : (AgentReply.GoUntraced(), null);
    }

    public IReadOnlyList<TracedProcess> Results()
    {
        lock (_lock) return _recorders.Select(r => r.ToResult()).ToList();
    }
}
