namespace Sonde.Profiles.Errors;

/// <summary>The target went away while it was being read. Samplers treat it as the end of a recording.</summary>
public sealed class TargetExitedException(int processId, Exception? inner = null)
    : TargetException($"process {processId} exited while Sonde was reading it; nothing more to sample", inner)
{
    public int ProcessId { get; } = processId;
}
