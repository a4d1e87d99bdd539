using System.IO.Enumeration;
using Sonde.Formats.Callgrind;
using Sonde.Formats.ChromeTrace;
using Sonde.Formats.Dot;
using Sonde.Formats.FlameGraph;
using Sonde.Formats.Folded;
using Sonde.Formats.Native;
using Sonde.Formats.Pprof;
using Sonde.Formats.Pstats;
using Sonde.Formats.Speedscope;
using Sonde.Profiles;
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
    private sealed record FormatEntry(string Name, Func<IProfileWriter>? CreateWriter, Func<IProfileReader>? CreateReader, string[] FilePatterns);

    private static readonly FormatEntry[] _formats =
    [
        new("sonde", () => new NativeWriter(), () => new NativeReader(), ["*.sonde"]),
        new("speedscope", () => new SpeedscopeWriter(), () => new SpeedscopeReader(), ["*.speedscope.json"]),
        new("folded", () => new FoldedWriter(), () => new FoldedReader(), ["*.folded", "*.txt"]),
        new("flamegraph", () => new FlameGraphWriter(), null, ["*.svg"]),
        new("pprof", () => new PprofWriter(), () => new PprofReader(), ["*.pb.gz", "*.pprof"]),
        new("callgrind", () => new CallgrindWriter(), null, ["callgrind.out.*", "*.callgrind"]),
        new("chrome", () => new ChromeTraceWriter(), null, ["*.trace.json"]),
        new("dot", () => new DotWriter(), null, ["*.dot"]),
        new("pstats", () => new PstatsWriter(), () => new PstatsReader(), ["*.prof", "*.pstats"]),
    ];

    private const int HeadLength = 4096;

    /// <summary>The <c>-f</c> names of the formats Sonde writes, in the order help text lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = _formats.Where(f => f.CreateWriter is not null).Select(f => f.Name).ToArray();

    /// <summary>The names of the formats Sonde reads.</summary>
    public static IReadOnlyList<string> ReadableNames { get; } = _formats.Where(f => f.CreateReader is not null).Select(f => f.Name).ToArray();

    /// <summary>The writer for a <c>-f</c> name (case-insensitive).</summary>
    /// <exception cref="UsageException">No format has that name.</exception>
    public static IProfileWriter ForName(string name)
    {
        foreach (var format in _formats)
            if (format.CreateWriter is not null && string.Equals(format.Name, name, StringComparison.OrdinalIgnoreCase)) return format.CreateWriter();
        throw new UsageException($"unknown output format '{OneLine(name)}'; known formats: {string.Join(", ", Names)}");
    }

    /// <summary>
    /// The writer a file name implies, or null when none does. When several patterns match, the one with the
    /// most literal characters wins, so <c>x.speedscope.json</c> is speedscope even once plain <c>*.json</c> exists.
    /// </summary>
    public static IProfileWriter? ForPath(string path) => BestMatch(path, f => f.CreateWriter is not null)?.CreateWriter!();

    /// <summary>
    /// Reads a profile file of any known format. The contents decide first (a <c>.prof</c> renamed to
    /// <c>.txt</c> still reads), the name second.
    /// </summary>
    /// <exception cref="BadInputException">The file is missing, unreadable, of no known format, or corrupt.</exception>
    public static Profile ReadFile(string path)
    {
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new BadInputException($"can't open '{OneLine(path)}': {e.Message}", e);
        }
        using (stream)
        {
            var head = new byte[HeadLength];
            var length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = 0;
            var reader = _formats.Where(f => f.CreateReader is not null).Select(f => f.CreateReader!())
                             .FirstOrDefault(r => r.Recognizes(head.AsSpan(0, length)))
                         ?? BestMatch(path, f => f.CreateReader is not null)?.CreateReader!()
                         ?? throw new BadInputException(
                             $"'{OneLine(path)}' is not a profile Sonde can read; known formats: {string.Join(", ", ReadableNames)}");
            try
            {
                var profile = reader.Read(stream, path);
                profile.Metadata.Properties["source.format"] = reader.FormatName;
                return profile;
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or OverflowException
                                          or IOException or System.Text.Json.JsonException or ArgumentException or IndexOutOfRangeException)
            {
                throw new BadInputException($"'{OneLine(path)}' is not a valid {reader.FormatName} file: {OneLine(e.Message)}", e);
            }
        }
    }

    private static FormatEntry? BestMatch(string path, Func<FormatEntry, bool> include)
    {
        var fileName = Path.GetFileName(path);
        FormatEntry? best = null;
        var bestLength = -1;
        foreach (var format in _formats)
        {
            if (!include(format)) continue;
            foreach (var pattern in format.FilePatterns)
            {
                if (!FileSystemName.MatchesSimpleExpression(pattern, fileName, ignoreCase: true)) continue;
                var literalLength = pattern.Length - pattern.Count(c => c is '*' or '?');
                if (literalLength <= bestLength) continue;
                best = format;
                bestLength = literalLength;
            }
        }
        return best;
    }

    // The name comes from the command line and goes into a one-line message.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
