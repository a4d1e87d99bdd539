using System.Security.Cryptography;
using System.Text;
using Sonde.Profiles.Errors;

namespace Sonde.Agent;

/// <summary>
/// The Python agent embedded in this assembly, written out to <c>$XDG_CACHE_HOME/sonde/agent/HASH/</c> (by default
/// <c>~/.cache</c>) the first time a version runs. The hash covers every file, so versions never share a directory,
/// and a directory whose files don't match is written again. Nothing goes into the profiled program's tree.
/// </summary>
public static class AgentFiles
{
    private const string ResourcePrefix = "agent/";

    private static readonly Lazy<IReadOnlyList<(string Path, byte[] Content)>> _files = new(LoadResources);

    /// <summary>Relative paths and contents of the agent's files, in a fixed order.</summary>
    public static IReadOnlyList<(string Path, byte[] Content)> Files => _files.Value;

    /// <summary>Sixteen hex digits naming this version of the agent.</summary>
    public static string Version { get; } = ComputeVersion();

    /// <summary>Makes sure the agent is on disk and returns its directory (the one to put on PYTHONPATH).</summary>
    /// <exception cref="TargetException">No cache or temporary directory can be written.</exception>
    public static string Extract(string? cacheRoot = null)
    {
        var roots = cacheRoot is not null ? [cacheRoot] : DefaultRoots();
        Exception? last = null;
        foreach (var root in roots)
        {
            try
            {
                return ExtractInto(Path.Combine(root, "sonde", "agent", Version));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                last = e;
            }
        }
        throw new TargetException($"could not write Sonde's Python agent to {string.Join(" or ", roots)}: {last?.Message}; set XDG_CACHE_HOME to a writable directory", last);
    }

    private static string[] DefaultRoots()
    {
        var roots = new List<string>();
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) roots.Add(xdg);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) roots.Add(Path.Combine(home, ".cache"));
        roots.Add(Path.Combine(Path.GetTempPath(), $"sonde-{Environment.UserName}"));
        return roots.Distinct().ToArray();
    }

    private static string ExtractInto(string directory)
    {
        if (Matches(directory)) return directory;
        var parent = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(parent);
        // Written beside the final name and renamed, so a concurrent run never sees half the files.
        var staging = $"{directory}.{Environment.ProcessId}.tmp";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        foreach (var (path, content) in Files)
        {
            var target = Path.Combine(staging, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, content);
        }
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.Move(staging, directory);
        }
        catch (IOException) when (Matches(directory))
        {
            // Another run wrote the same version first.
            Directory.Delete(staging, recursive: true);
        }
        return directory;
    }

    private static bool Matches(string directory)
    {
        foreach (var (path, content) in Files)
        {
            var file = Path.Combine(directory, path);
            try
            {
                if (!File.Exists(file) || !File.ReadAllBytes(file).AsSpan().SequenceEqual(content)) return false;
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }
        return true;
    }

    private static IReadOnlyList<(string Path, byte[] Content)> LoadResources()
    {
        var assembly = typeof(AgentFiles).Assembly;
        var files = new List<(string, byte[])>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files.Add((name[ResourcePrefix.Length..].Replace('\\', '/'), buffer.ToArray()));
        }
        if (files.Count == 0) throw new InvalidOperationException("the Python agent is missing from " + assembly.GetName().Name);
        return files;
    }

    private static string ComputeVersion()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, content) in Files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            hash.AppendData(content);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
