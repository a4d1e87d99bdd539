namespace Sonde.Remote.Memory;

/// <summary>Read-only access to another process's address space.</summary>
public interface IProcessMemory
{
    int ProcessId { get; }

    /// <summary>
    /// Copies <c>destination.Length</c> bytes starting at <paramref name="address"/>. Returns true only when every
    /// byte was read; false when part of the range is unmapped (the target changed under us), which callers
    /// treat as a torn sample rather than an error. Throws when the process is gone or cannot be read at all.
    /// </summary>
    bool TryRead(ulong address, Span<byte> destination);

    /// <summary>
    /// Reads several ranges in one go, laid end to end in <paramref name="destination"/> (range i starts where
    /// range i-1 ended). Returns how many ranges, counted from the first, were read completely: reading stops at
    /// the first range that fails, so a caller can retry the rest one by one. <paramref name="destination"/>
    /// must be at least as long as the ranges together.
    /// </summary>
    int ReadMany(ReadOnlySpan<RemoteRange> ranges, Span<byte> destination);
}
