namespace Sonde.Agent;

/// <summary>A Python process that loaded the agent during a trace, and what it sent.</summary>
public sealed class TracedProcess
{
    internal TracedProcess(int processId, int parentProcessId, bool isRoot, bool traced, string description, string executable,
        IReadOnlyList<string> arguments, DateTimeOffset startTime)
    {
        ProcessId = processId;
        ParentProcessId = parentProcessId;
        IsRoot = isRoot;
        Traced = traced;
        Description = description;
        Executable = executable;
        Arguments = arguments;
        StartTime = startTime;
    }

    public int ProcessId { get; }
    public int ParentProcessId { get; }

    /// <summary>The process Sonde launched (a child started with the same PID by exec counts too).</summary>
    public bool IsRoot { get; }

    /// <summary>False for an interpreter the agent can't trace (not CPython 3.8+), which ran untraced.</summary>
    public bool Traced { get; }

    /// <summary>The Python version, e.g. <c>3.12.1</c>, or for an untraced interpreter what it is.</summary>
    public string Description { get; }

    public string Executable { get; }

    /// <summary>The process's sys.argv.</summary>
    public IReadOnlyList<string> Arguments { get; }

    public DateTimeOffset StartTime { get; }

    public ProcessEnd End { get; internal set; } = ProcessEnd.Lost;

    /// <summary>The os._exit status or the signal number, with <see cref="End"/>.</summary>
    public int EndStatus { get; internal set; }

    /// <summary>What went wrong when the agent stopped itself or its stream broke; null when all went well.</summary>
    public string? AgentError { get; internal set; }

    public IReadOnlyList<TracedThread> Threads { get; internal set; } = [];

    public IReadOnlyList<TracedLineFunction> LineFunctions { get; internal set; } = [];

    /// <summary>What <c>sonde mem</c> measured in this process; empty for a trace.</summary>
    public Memory.ProcessMemory Memory { get; internal set; } = new();
}
