namespace Sonde.Agent;

/// <summary>Everything a trace collected, once the launched command ended.</summary>
public sealed class TraceResult
{
    internal TraceResult(string commandLine, int rootProcessId, int exitCode, DateTimeOffset startTime, TimeSpan duration,
        IReadOnlyList<TracedProcess> processes, bool connectionsStillOpen)
    {
        CommandLine = commandLine;
        RootProcessId = rootProcessId;
        ExitCode = exitCode;
        StartTime = startTime;
        Duration = duration;
        Processes = processes;
        ConnectionsStillOpen = connectionsStillOpen;
    }

    public string CommandLine { get; }
    public int RootProcessId { get; }

    /// <summary>The launched command's exit code; 128+N when signal N ended it, as shells report it.</summary>
    public int ExitCode { get; }

    public DateTimeOffset StartTime { get; }
    public TimeSpan Duration { get; }

    /// <summary>Every process that loaded the agent, in the order they connected.</summary>
    public IReadOnlyList<TracedProcess> Processes { get; }

    /// <summary>Some processes were still running when the trace ended; their last periodic report is used.</summary>
    public bool ConnectionsStillOpen { get; }
}
