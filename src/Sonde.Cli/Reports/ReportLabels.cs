using Sonde.Profiles;

namespace Sonde.Cli.Reports;

/// <summary>How reports name functions. The text is raw: escape it before it reaches a terminal.</summary>
internal static class ReportLabels
{
    /// <summary><c>file:line(function)</c> as pstats prints it, and <c>{built-in method ...}</c> for built-ins.</summary>
    public static string Pstats(FunctionKey key)
    {
        if (key.File.Length == 0 && key.Kind != FrameKind.Python)
            return key.Function.Length >= 2 && key.Function[0] == '<' && key.Function[^1] == '>' ? "{" + key.Function[1..^1] + "}" : key.Function;
        return $"{key.File}:{key.FirstLine}({key.Function})";
    }

    /// <summary><c>function  file:line</c>, the way call trees read.</summary>
    public static string Tree(FunctionKey key) =>
        key.File.Length == 0 ? Pstats(key) : $"{key.Function}  {key.File}:{key.FirstLine}";

    /// <summary><c>calls</c>, or <c>calls/primitive</c> when some calls were recursive, as pstats shows them.</summary>
    public static string Calls(long calls, long primitive) =>
        calls == primitive ? calls.ToString(System.Globalization.CultureInfo.InvariantCulture) : FormattableString.Invariant($"{calls}/{primitive}");
}
