using System.Globalization;

namespace Sonde.Remote.Memory;

/// <summary>Parses /proc/PID/maps, the list of the target's mapped regions.</summary>
public static class ProcMaps
{
    public static IReadOnlyList<MemoryRegion> Read(int processId)
    {
        if (processId <= 0) throw TargetErrors.NoSuchProcess(processId);
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{processId}/maps");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw TargetErrors.NoSuchProcess(processId, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw TargetErrors.PermissionDenied(processId, e);
        }
        catch (IOException e) when (!TargetErrors.ProcessExists(processId))
        {
            // Opened, then the process went away mid-read.
            throw new Sonde.Profiles.Errors.TargetExitedException(processId, e);
        }
        return Parse(text);
    }

    /// <summary>Parses the text of a maps file; lines that don't parse are skipped rather than failing the lot.</summary>
    public static IReadOnlyList<MemoryRegion> Parse(string text)
    {
        var regions = new List<MemoryRegion>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (TryParseLine(line, out var region)) regions.Add(region);
        }
        return regions;
    }

    // Format: "start-end perms offset dev inode [path]"; the path is the rest of the line after padding and
    // may itself contain spaces.
    private static bool TryParseLine(ReadOnlySpan<char> line, out MemoryRegion region)
    {
        region = null!;
        var rest = line;
        if (!NextField(ref rest, out var range) || !NextField(ref rest, out var perms) ||
            !NextField(ref rest, out var offset) || !NextField(ref rest, out _) || !NextField(ref rest, out var inode))
        {
            return false;
        }
        var dash = range.IndexOf('-');
        if (dash <= 0) return false;
        if (!ulong.TryParse(range[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start) ||
            !ulong.TryParse(range[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end) ||
            !ulong.TryParse(offset, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var fileOffset) ||
            !ulong.TryParse(inode, NumberStyles.None, CultureInfo.InvariantCulture, out var inodeNumber) ||
            end < start)
        {
            return false;
        }
        var path = rest.TrimStart(' ');
        region = new MemoryRegion(start, end, perms.ToString(), fileOffset, inodeNumber, path.IsEmpty ? null : path.ToString());
        return true;
    }

    private static bool NextField(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> field)
    {
        rest = rest.TrimStart(' ');
        var end = rest.IndexOf(' ');
        if (end < 0) end = rest.Length;
        field = rest[..end];
        rest = rest[end..];
        return !field.IsEmpty;
    }
}
