namespace Sonde.Formats.Pprof;

/// <summary>
/// What Sonde puts into pprof fields the format leaves open: sample label keys for threads, and metadata as
/// <c>key: value</c> comments. The reader understands the same names.
/// </summary>
internal static class PprofConventions
{
    public const string ThreadLabel = "thread";
    public const string ThreadIdLabel = "thread_id";
    public const string ProcessIdLabel = "pid";

    public const string CommandComment = "command";
    public const string ProcessIdComment = "pid";
    public const string PythonComment = "python";
    public const string HostComment = "host";

    /// <summary>The name and unit of the period when the profile has no time weight to borrow them from.</summary>
    public const string PeriodType = "wall";
    public const string PeriodUnit = "nanoseconds";

    public static string Comment(string key, string value) => $"{key}: {value}";

    /// <summary>Splits a <c>key: value</c> comment; false for comments written by other tools in other shapes.</summary>
    public static bool TryParseComment(string comment, out string key, out string value)
    {
        var colon = comment.IndexOf(": ", StringComparison.Ordinal);
        key = colon > 0 ? comment[..colon] : "";
        value = colon > 0 ? comment[(colon + 2)..] : "";
        return colon > 0;
    }
}
