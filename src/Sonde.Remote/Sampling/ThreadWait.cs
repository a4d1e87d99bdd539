namespace Sonde.Remote.Sampling;

/// <summary>
/// Where a thread that isn't running is blocked, from <c>/proc/PID/task/TID/syscall</c> and <c>wchan</c>: the system
/// call (null when it is blocked outside one), the kernel function it sleeps in (null when the kernel won't say), and
/// what that usually means for Python code, such as "a lock (Lock.acquire, Condition.wait...)" for futex.
/// </summary>
public sealed record ThreadWait(string? Syscall, int? SyscallNumber, string? Wchan, string? Meaning)
{
    /// <summary>"futex: a lock (Lock.acquire, ...)" or "futex_wait_queue" or "?", for one line of text.</summary>
    public string Describe()
    {
        var what = Syscall ?? (SyscallNumber is { } n ? $"syscall {n}" : Wchan ?? "?");
        return Meaning is null ? what : $"{what}: {Meaning}";
    }
}
