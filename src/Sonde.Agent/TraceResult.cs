using Sonde.Profiles;

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

    /// <summary>The processes the agent measured (CPython 3.8+), in the order they connected.</summary>
    public IReadOnlyList<TracedProcess> Measured => [.. Processes.Where(p => p.Traced)];

    /// <summary>The launched command's process if it was measured, else the first measured one.</summary>
    public TracedProcess? MainProcess => Measured.FirstOrDefault(p => p.IsRoot) ?? Measured.FirstOrDefault();

    /// <summary>Fills in what every agent-built profile says about its run.</summary>
    public void Describe(ProfileMetadata metadata, ProfileMode mode)
    {
        var main = MainProcess;
        metadata.Mode = mode;
        metadata.Command = CommandLine;
        metadata.ProcessId = RootProcessId;
        metadata.PythonVersion = main?.Description;
        metadata.PythonPath = main?.Executable;
        metadata.Host = Environment.MachineName;
        metadata.StartTime = StartTime;
        metadata.Duration = Duration;
    }
}
