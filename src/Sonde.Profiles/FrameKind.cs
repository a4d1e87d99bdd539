namespace Sonde.Profiles;

/// <summary>What a frame stands for. Pseudo-frames keep partial or grouped stacks honest.</summary>
public enum FrameKind : byte
{
    Python = 0,
    Native = 1,
    /// <summary>A <c>thread NAME (TID)</c> root added by <c>--threads</c>.</summary>
    Thread = 2,
    /// <summary>A <c>process PID (COMMAND)</c> root added by <c>--subprocesses</c>.</summary>
    Process = 3,
    /// <summary>Stands for the part of a stack that could not be read.</summary>
    Truncated = 4,
}
