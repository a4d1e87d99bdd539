using System.Reflection;

namespace Sonde.Web;

/// <summary>The page's files, embedded in the assembly: the server never reads its UI from disk.</summary>
internal static class Assets
{
    private static readonly Assembly _assembly = typeof(Assets).Assembly;
    private static readonly Dictionary<string, byte[]> _files = Load();

    public static bool TryGet(string name, out byte[] content, out string contentType)
    {
        contentType = Path.GetExtension(name) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return _files.TryGetValue(name, out content!);
    }

    private static Dictionary<string, byte[]> Load()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in _assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("assets/", StringComparison.Ordinal)) continue;
            using var stream = _assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files.Add(resource["assets/".Length..], copy.ToArray());
        }
        return files;
    }
}
