namespace Sonde.Web;

/// <summary>
/// Decides which files the server may read: only source files the loaded profiles name, found on this machine.
/// A request names a file by the exact string a profile holds, never by a path the server builds from it, so
/// <c>..</c>, encoded slashes and absolute paths the profiles don't name all miss. A profile is untrusted too,
/// so a named file must also look like Python source (by extension), both as named and after following
/// symlinks, and be a regular file of reasonable size.
/// </summary>
internal sealed class SourceFiles(IReadOnlyList<string> searchDirectories)
{
    private const long MaxBytes = 16 << 20;
    private static readonly string[] _sourceExtensions = [".py", ".pyw", ".pyi", ".pyx", ".pxd"];
    // Keyed by the loaded profile itself: a live recording replaces it every second, and old copies must go.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<LoadedProfile, IReadOnlyList<string>> _servedByProfile = [];
    private readonly Dictionary<string, string?> _resolved = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The file names of <paramref name="loaded"/> that can be served, as the profile spells them.</summary>
    public IReadOnlyList<string> ServedFilesOf(LoadedProfile loaded)
    {
        lock (_lock)
        {
            if (_servedByProfile.TryGetValue(loaded, out var served)) return served;
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var key in loaded.Functions.Keys)
                if (key.File.Length > 0) names.Add(key.File);
            if (loaded.Profile.LineTimings is { } timings)
                foreach (var entry in timings.Entries) names.Add(entry.Function.File);
            served = names.Where(name => ResolveLocked(name) is not null).ToArray();
            _servedByProfile.Add(loaded, served);
            return served;
        }
    }

    /// <summary>The full path to read for a file name some loaded profile serves; null for anything else.</summary>
    public string? Resolve(IEnumerable<LoadedProfile> profiles, string name)
    {
        foreach (var loaded in profiles)
            if (ServedFilesOf(loaded).Contains(name, StringComparer.Ordinal))
                lock (_lock) return ResolveLocked(name);
        return null;
    }

    private string? ResolveLocked(string name)
    {
        if (_resolved.TryGetValue(name, out var path)) return path;
        path = Find(name);
        _resolved.Add(name, path);
        return path;
    }

    private string? Find(string name)
    {
        if (name.Contains('\0') || !LooksLikeSource(name)) return null;
        var candidates = Path.IsPathRooted(name) ? [name] : searchDirectories.Select(d => Path.Combine(d, name));
        foreach (var candidate in candidates)
        {
            try
            {
                var info = new FileInfo(candidate);
                if (!info.Exists) continue;
                var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
                if (target is null || !target.Exists || !LooksLikeSource(target.FullName) || target.Length > MaxBytes) continue;
                if ((target.Attributes & (FileAttributes.Directory | FileAttributes.Device)) != 0) continue;
                return target.FullName;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                // A name the file system rejects is simply not served.
            }
        }
        return null;
    }

    private static bool LooksLikeSource(string path) =>
        _sourceExtensions.Any(extension => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase));
}
