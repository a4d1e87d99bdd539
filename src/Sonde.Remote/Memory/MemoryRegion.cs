namespace Sonde.Remote.Memory;

/// <summary>One line of /proc/PID/maps. <see cref="Path"/> is null for anonymous memory.</summary>
public sealed record MemoryRegion(ulong Start, ulong End, string Permissions, ulong Offset, ulong Inode, string? Path)
{
    private const string DeletedSuffix = " (deleted)";

    public ulong Size => End - Start;

    public bool IsReadable => Permissions.Length > 0 && Permissions[0] == 'r';

    public bool IsWritable => Permissions.Length > 1 && Permissions[1] == 'w';

    public bool IsExecutable => Permissions.Length > 2 && Permissions[2] == 'x';

    /// <summary>The file was replaced or removed after it was mapped (e.g. a package upgrade).</summary>
    public bool IsDeleted => Path is not null && Path.EndsWith(DeletedSuffix, StringComparison.Ordinal);

    /// <summary>The mapped file's path without the kernel's " (deleted)" mark; null for anonymous and [special] regions.</summary>
    public string? FilePath => Path is null || Path.StartsWith('[')
        ? null
        : IsDeleted ? Path[..^DeletedSuffix.Length] : Path;

    public bool Contains(ulong address) => address >= Start && address < End;
}
