using System.Globalization;
using System.Text;
using Sonde.Profiles;

namespace Sonde.Formats.Callgrind;

/// <summary>
/// The names a callgrind file gives files, functions and events, and their compression: a name is written
/// once as <c>(id) name</c> and after that as <c>(id)</c>.
/// </summary>
internal sealed class CallgrindNames
{
    private readonly Dictionary<string, int> _fileIds = new(StringComparer.Ordinal);
    private readonly HashSet<int> _functionsWritten = [];
    private readonly string[] _functionNames;

    /// <param name="functions">The functions, indexed by the ids their compressed names get.</param>
    public CallgrindNames(IReadOnlyList<FunctionKey> functions)
    {
        _functionNames = new string[functions.Count];
        // Two functions with the same name in one file would merge in callgrind_annotate and KCacheGrind,
        // which key functions by file and name; the first line tells them apart.
        var seen = new Dictionary<(string File, string Name), int>();
        for (var i = 0; i < functions.Count; i++)
        {
            var name = OneLine(functions[i].Function);
            var key = (FileOf(functions[i]), name);
            seen[key] = seen.GetValueOrDefault(key) + 1;
            _functionNames[i] = name;
        }
        for (var i = 0; i < functions.Count; i++)
        {
            if (seen[(FileOf(functions[i]), _functionNames[i])] > 1)
                _functionNames[i] += string.Create(CultureInfo.InvariantCulture, $" (line {functions[i].FirstLine})");
        }
        FunctionFiles = functions.Select(FileOf).ToArray();
    }

    /// <summary>The file of each function, <c>???</c> (as callgrind writes unknown files) for pseudo-frames.</summary>
    public IReadOnlyList<string> FunctionFiles { get; }

    /// <summary><c>(id) name</c> the first time a file is named, <c>(id)</c> after.</summary>
    public string File(string file)
    {
        if (_fileIds.TryGetValue(file, out var id)) return $"({id})";
        id = _fileIds.Count + 1;
        _fileIds.Add(file, id);
        return $"({id}) {file}";
    }

    public string Function(int function) =>
        _functionsWritten.Add(function) ? $"({function + 1}) {_functionNames[function]}" : $"({function + 1})";

    /// <summary>
    /// An event's short name, which must be one word: the weight's name capitalised, with its unit when it is
    /// not a plain count, e.g. <c>Samples</c> and <c>Wall_ns</c>.
    /// </summary>
    public static string Event(WeightType type)
    {
        var name = new StringBuilder();
        foreach (var c in type.Name) name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        if (name.Length == 0 || !char.IsAsciiLetter(name[0])) name.Insert(0, 'E');
        name[0] = char.ToUpperInvariant(name[0]);
        var unit = type.Unit switch
        {
            "count" or "" => "",
            "nanoseconds" => "ns",
            "microseconds" => "us",
            "milliseconds" => "ms",
            "seconds" => "s",
            _ => new string(type.Unit.Where(char.IsAsciiLetterOrDigit).ToArray()),
        };
        return unit.Length > 0 ? $"{name}_{unit}" : name.ToString();
    }

    /// <summary>The format is line based: a name or path cannot hold a line break or other control characters.</summary>
    public static string OneLine(string text)
    {
        if (!text.Any(IsBreak)) return text;
        var result = new StringBuilder(text.Length);
        foreach (var c in text) result.Append(IsBreak(c) ? ' ' : c);
        return result.ToString();
    }

    private static string FileOf(FunctionKey function) => function.File.Length > 0 ? OneLine(function.File) : "???";

    private static bool IsBreak(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085';
}
