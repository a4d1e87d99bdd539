namespace Sonde.Profiles;

/// <summary>A thread seen in the target. <see cref="ThreadId"/> is the native (kernel) id where known.</summary>
public sealed record ThreadInfo(int ProcessId, long ThreadId, string Name)
{
    /// <summary><c>thread NAME (TID)</c>, or <c>thread (TID)</c> for a thread whose name is unknown.</summary>
    public string Label => Name.Length > 0 ? $"thread {Name} ({ThreadId})" : $"thread ({ThreadId})";
}
