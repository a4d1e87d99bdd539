using System.Text.RegularExpressions;
using Sonde.Profiles;

namespace Sonde.Cli.Reports;

/// <summary>
/// Tells the standard library and installed packages (site-packages, dist-packages, frozen modules) from the
/// program's own code, so call trees can fold them away.
/// </summary>
internal static partial class LibraryFrames
{
    public static bool IsLibrary(Frame frame) => frame.Kind == FrameKind.Python && LibraryName(frame.File) is not null;

    /// <summary>The package or module a library file belongs to (<c>json</c>, <c>requests</c>), or null for the program's own files.</summary>
    public static string? LibraryName(string file)
    {
        if (file.StartsWith("<frozen ", StringComparison.Ordinal))
            return file[8..].TrimEnd('>');
        var packages = PackagesDirectory().Match(file);
        if (packages.Success) return FirstComponent(file[(packages.Index + packages.Length)..]);
        var stdlib = StandardLibrary().Match(file);
        if (stdlib.Success) return FirstComponent(file[(stdlib.Index + stdlib.Length)..]);
        return null;
    }

    private static string FirstComponent(string relative)
    {
        var slash = relative.IndexOf('/');
        var name = slash < 0 ? relative : relative[..slash];
        return name.EndsWith(".py", StringComparison.Ordinal) ? name[..^3] : name;
    }

    [GeneratedRegex(@"/(site|dist)-packages/")]
    private static partial Regex PackagesDirectory();

    [GeneratedRegex(@"/lib/python3(\.\d+)?/|/lib/python3\d+\.zip/")]
    private static partial Regex StandardLibrary();
}
