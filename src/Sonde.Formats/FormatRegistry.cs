using System.IO.Enumeration;
using Sonde.Formats.FlameGraph;
using Sonde.Formats.Folded;
using Sonde.Formats.Speedscope;
using Sonde.Profiles.Errors;

namespace Sonde.Formats;

/// <summary>
/// Every format Sonde knows, found by its <c>-f</c> name or by the name of the file it goes to.
/// A new format is one more row in <see cref="_formats"/>.
/// </summary>
public static class FormatRegistry
{
    /// <summary>
    /// File-name patterns are simple globs (<c>*</c> and <c>?</c>) matched case-insensitively against the file
    /// name only, so prefix conventions such as <c>callgrind.out.*</c> fit as well as extensions.
    /// </summary>
    private sealed record FormatEntry(string Name, Func<IProfileWriter> CreateWriter, string[] FilePatterns);

    private static readonly FormatEntry[] _formats =
    [
        new("folded", () => new FoldedWriter(), ["*.folded", "*.txt"]),
        new("speedscope", () => new SpeedscopeWriter(), ["*.speedscope.json"]),
        new("flamegraph", () => new FlameGraphWriter(), ["*.svg"]),
    ];

    /// <summary>The <c>-f</c> names, in the order help text lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(_formats, f => f.Name);

    /// <summary>The writer for a <c>-f</c> name (case-insensitive).</summary>
    /// <exception cref="UsageException">No format has that name.</exception>
    public static IProfileWriter ForName(string name)
    {
        foreach (var format in _formats)
            if (string.Equals(format.Name, name, StringComparison.OrdinalIgnoreCase)) return format.CreateWriter();
        throw new UsageException($"unknown output format '{OneLine(name)}'; known formats: {string.Join(", ", Names)}");
    }

    /// <summary>
    /// The writer a file name implies, or null when none does. When several patterns match, the one with the
    /// most literal characters wins, so <c>x.speedscope.json</c> is speedscope even once plain <c>*.json</c> exists.
    /// </summary>
    public static IProfileWriter? ForPath(string path)
    {
        var fileName = Path.GetFileName(path);
        FormatEntry? best = null;
        var bestLength = -1;
        foreach (var format in _formats)
        {
            foreach (var pattern in format.FilePatterns)
            {
                if (!FileSystemName.MatchesSimpleExpression(pattern, fileName, ignoreCase: true)) continue;
                var literalLength = pattern.Length - pattern.Count(c => c is '*' or '?');
                if (literalLength <= bestLength) continue;
                best = format;
                bestLength = literalLength;
            }
        }
        return best?.CreateWriter();
    }

    // The name comes from the command line and goes into a one-line message.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
