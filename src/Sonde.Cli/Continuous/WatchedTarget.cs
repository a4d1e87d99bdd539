using Sonde.Remote.CPython;

namespace Sonde.Cli.Continuous;

/// <summary>A Python process the agent is attached to. The start time tells it apart from a later process that reuses its PID.</summary>
internal sealed record WatchedTarget(int ProcessId, long StartTicks, PythonTarget Target, string CommandLine)
{
    public bool IsAlive() => ProcessStart.Of(ProcessId) == StartTicks && !Remote.Sampling.ProcFiles.IsZombie(ProcessId);
}
