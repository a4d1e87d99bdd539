namespace Sonde.Profiles;

/// <summary>A thread seen in the target. <see cref="ThreadId"/> is the native (kernel) id where known.</summary>
public sealed record ThreadInfo(int ProcessId, long ThreadId, string Name)
{
    public string Label => $"thread {Name} ({ThreadId})";
}
