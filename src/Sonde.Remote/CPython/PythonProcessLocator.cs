using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sonde.Profiles.Errors;
using Sonde.Remote.CPython.Objects;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Finds the CPython runtime in a running process: which ELF defines <c>_PyRuntime</c>, where it was loaded,
/// and which version it is. Everything a user can get wrong ends in a one-line <see cref="TargetException"/>.
/// </summary>
public static partial class PythonProcessLocator
{
    private const string RuntimeSymbol = "_PyRuntime";
    private const string VersionSymbol = "Py_Version";
    private const ulong DebugOffsetsCookie = 0x7970677562656478; // "xdebugpy" read as a little-endian uint64
    private const int MaxVersionScan = 16 << 20;

    public static PythonBinary Locate(int processId)
    {
        var regions = ProcMaps.Read(processId);
        var executable = ReadExecutableLink(processId);
        var memory = new ProcessVmMemory(processId);

        if (executable is not null)
        {
            var exeFile = StripDeleted(executable);
            var exeRegions = regions.Where(r => r.FilePath == exeFile).ToList();
            string[] candidates = [$"/proc/{processId}/exe", $"/proc/{processId}/root{exeFile}", exeFile];
            if (TryLocateIn(processId, memory, executable, executable, candidates, exeRegions) is { } found) return found;
        }

        foreach (var group in regions.Where(r => r.FilePath is { } p && IsLibPython(p)).GroupBy(r => r.FilePath!))
        {
            var libRegions = group.ToList();
            if (TryLocateIn(processId, memory, group.Key, executable ?? "", LibraryCandidates(processId, libRegions), libRegions)
                is { } found)
            {
                return found;
            }
        }

        throw NotCPython(processId, executable, regions);
    }

    /// <summary>Looks for the runtime in one ELF; null when it isn't there or the file can't be opened.</summary>
    private static PythonBinary? TryLocateIn(
        int processId, ProcessVmMemory memory, string displayPath, string executable,
        IEnumerable<string> candidates, IReadOnlyList<MemoryRegion> regions)
    {
        using var elf = OpenFirst(processId, candidates);
        if (elf is null || !elf.TryGetSymbol(RuntimeSymbol, out var runtime)) return null;
        if (!elf.TryGetLoadBias(regions, out var bias))
        {
            throw new TargetException(
                $"process {processId} maps {displayPath} in a way Sonde does not understand (no region holds its first " +
                $"segment); please report this with the contents of /proc/{processId}/maps");
        }
        var runtimeAddress = bias + runtime.Value;
        var version = DetectVersion(memory, elf, bias, runtimeAddress, StripDeleted(displayPath))
            ?? throw new TargetException(
                $"process {processId} has a CPython runtime in {displayPath} but Sonde could not tell its version; " +
                $"Sonde supports {PythonVersion.SupportedRange}");
        if (!version.IsSupported)
        {
            throw new TargetException(
                $"process {processId} runs CPython {version}, which Sonde cannot read; Sonde supports {PythonVersion.SupportedRange}");
        }
        return new PythonBinary(processId, StripDeleted(displayPath), StripDeleted(executable), bias, runtimeAddress, version)
        {
            Builtins = BuiltinAddresses.Resolve(elf, bias),
        };
    }

    /// <summary>
    /// The version from the most precise source available: <c>Py_Version</c> (3.11+), the
    /// <c>_Py_DebugOffsets</c> header at the start of the runtime (3.13+), the version string
    /// <c>Py_GetVersion</c> leaves in .bss during startup (every version), and finally the file name.
    /// </summary>
    private static PythonVersion? DetectVersion(
        IProcessMemory memory, ElfFile elf, ulong bias, ulong runtimeAddress, string path)
    {
        var fromName = VersionFromFileName(path);
        if (elf.TryGetSymbol(VersionSymbol, out var symbol) &&
            memory.TryReadUInt64(bias + symbol.Value, out var hex) &&
            PythonVersion.TryFromHex(hex, out var version) && Plausible(version, fromName))
        {
            return version;
        }

        Span<ulong> header = stackalloc ulong[2];
        if (memory.TryRead(runtimeAddress, System.Runtime.InteropServices.MemoryMarshal.AsBytes(header)) &&
            header[0] == DebugOffsetsCookie && PythonVersion.TryFromHex(header[1], out version) && Plausible(version, fromName))
        {
            return version;
        }

        if (TryScanVersionString(memory, elf, bias, fromName, out version)) return version;
        return fromName;
    }

    private static bool Plausible(PythonVersion version, PythonVersion? fromName) =>
        fromName is not { } name || (name.Major == version.Major && name.Minor == version.Minor);

    /// <summary>
    /// Py_GetVersion formats "3.9.18 (main, ...) [GCC ...]" into a static buffer at startup (sys.version is built
    /// from it), so the exact version sits in the target's .bss even on versions without Py_Version.
    /// </summary>
    private static bool TryScanVersionString(
        IProcessMemory memory, ElfFile elf, ulong bias, PythonVersion? fromName, out PythonVersion version)
    {
        version = default;
        if (!elf.TryGetSection(".bss", out var bss) || bss.Address == 0 || bss.Size == 0) return false;
        const int chunk = 64 << 10;
        const int overlap = 256;
        var buffer = ArrayPool<byte>.Shared.Rent(chunk + overlap);
        try
        {
            var end = bss.Size > MaxVersionScan ? MaxVersionScan : bss.Size;
            for (ulong at = 0; at < end; at += chunk)
            {
                var length = (int)Math.Min(chunk + overlap, end - at);
                if (!memory.TryRead(bias + bss.Address + at, buffer.AsSpan(0, length))) continue;
                foreach (Match match in VersionString().Matches(Encoding.Latin1.GetString(buffer, 0, length)))
                {
                    if (PythonVersion.TryParse(match.Groups["version"].Value, out version) && Plausible(version, fromName))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>"python3.9", "libpython3.9.so.1.0", "libpython3.7m.so": the major and minor only.</summary>
    internal static PythonVersion? VersionFromFileName(string path)
    {
        var match = VersionInName().Match(Path.GetFileName(path));
        if (!match.Success) return null;
        return new PythonVersion(
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), 0);
    }

    private static TargetException NotCPython(int processId, string? executable, IReadOnlyList<MemoryRegion> regions)
    {
        if (!TargetErrors.ProcessExists(processId)) return new TargetExitedException(processId);
        if (executable is null)
        {
            return new TargetException(
                $"process {processId} ({ReadCommandName(processId)}) is not a CPython process: it has no executable " +
                "(a kernel thread or a zombie); pick the PID of a running python");
        }

        // An old interpreter (2.7, 3.6) has no _PyRuntime; say it is Python, just not one we read.
        var names = regions.Select(r => r.FilePath).OfType<string>().Where(IsLibPython).Prepend(StripDeleted(executable));
        foreach (var name in names)
        {
            if (VersionFromFileName(name) is { } version && !version.IsSupported)
            {
                return new TargetException(
                    $"process {processId} ({executable}) runs CPython {version.Major}.{version.Minor}, which Sonde " +
                    $"cannot read; Sonde supports {PythonVersion.SupportedRange}");
            }
        }
        return new TargetException(
            $"process {processId} ({executable}) is not a CPython process: no {RuntimeSymbol} symbol in its " +
            "executable or a libpython; pick the PID of a python process (see `ps`)");
    }

    /// <summary>readlink /proc/PID/exe; null for kernel threads and zombies, which have no executable.</summary>
    private static string? ReadExecutableLink(int processId)
    {
        try
        {
            return new FileInfo($"/proc/{processId}/exe").LinkTarget;
        }
        catch (UnauthorizedAccessException e)
        {
            throw TargetErrors.PermissionDenied(processId, e);
        }
        catch (IOException)
        {
            if (!TargetErrors.ProcessExists(processId)) throw new TargetExitedException(processId);
            return null;
        }
    }

    /// <summary>
    /// Ways to open a library the target mapped: through the target's root (containers) or map_files (deleted
    /// files) before our own view of the path.
    /// </summary>
    private static IEnumerable<string> LibraryCandidates(int processId, IReadOnlyList<MemoryRegion> regions)
    {
        var first = regions.MinBy(r => r.Start)!;
        var mapFile = $"/proc/{processId}/map_files/{first.Start:x}-{first.End:x}";
        var path = first.FilePath!;
        return first.IsDeleted
            ? [mapFile, $"/proc/{processId}/root{path}"]
            : [$"/proc/{processId}/root{path}", path, mapFile];
    }

    private static ElfFile? OpenFirst(int processId, IEnumerable<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            try
            {
                return ElfFile.Open(candidate);
            }
            catch (ElfFormatException)
            {
                // A 32-bit or foreign binary: not a runtime we can read, so not a match.
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!TargetErrors.ProcessExists(processId)) throw new TargetExitedException(processId, e);
            }
        }
        return null;
    }

    private static bool IsLibPython(string path)
    {
        var name = Path.GetFileName(StripDeleted(path));
        return name.StartsWith("libpython", StringComparison.Ordinal) && name.Contains(".so", StringComparison.Ordinal);
    }

    private static string StripDeleted(string path) =>
        path.EndsWith(" (deleted)", StringComparison.Ordinal) ? path[..^" (deleted)".Length] : path;

    private static string ReadCommandName(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    [GeneratedRegex(@"python(\d)\.(\d{1,2})")]
    private static partial Regex VersionInName();

    // The text Py_GetVersion builds: PY_VERSION, a space, then "(" and the build info.
    [GeneratedRegex(@"(?<![\d.])(?<version>[23]\.\d{1,2}\.\d{1,3}(?:(?:a|b|rc)\d{1,2})?\+?) \(")]
    private static partial Regex VersionString();
}
