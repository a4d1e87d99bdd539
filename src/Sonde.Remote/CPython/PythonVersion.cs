using System.Globalization;
using System.Text.RegularExpressions;

namespace Sonde.Remote.CPython;

/// <summary>A CPython version, as in <c>sys.version_info</c>; <see cref="ToString"/> reads like <c>3.12.1</c>.</summary>
public readonly partial record struct PythonVersion(
    int Major, int Minor, int Micro, PythonReleaseLevel ReleaseLevel = PythonReleaseLevel.Final, int Serial = 0)
    : IComparable<PythonVersion>
{
    public const int MinimumSupportedMinor = 8;
    public const int MaximumSupportedMinor = 13;

    /// <summary>The range to name in messages, kept next to the numbers it describes.</summary>
    public const string SupportedRange = "CPython 3.8-3.13";

    public bool IsSupported => Major == 3 && Minor is >= MinimumSupportedMinor and <= MaximumSupportedMinor;

    /// <summary>The value of <c>PY_VERSION_HEX</c> (and of the <c>Py_Version</c> symbol).</summary>
    public ulong Hex =>
        (ulong)(uint)Major << 24 | (ulong)(uint)Minor << 16 | (ulong)(uint)Micro << 8 | (ulong)ReleaseLevel << 4 | (ulong)(uint)Serial;

    /// <summary>
    /// Decodes <c>PY_VERSION_HEX</c>; false for values no CPython release has, such as the garbage a wrong
    /// address yields.
    /// </summary>
    public static bool TryFromHex(ulong hex, out PythonVersion version)
    {
        version = default;
        if (hex > uint.MaxValue) return false;
        var major = (int)(hex >> 24) & 0xff;
        var level = (PythonReleaseLevel)((hex >> 4) & 0xf);
        if (major is < 2 or > 3 || !Enum.IsDefined(level)) return false;
        version = new PythonVersion(major, (int)(hex >> 16) & 0xff, (int)(hex >> 8) & 0xff, level, (int)hex & 0xf);
        return true;
    }

    /// <summary>Parses <c>PY_VERSION</c> text such as <c>3.12.1</c>, <c>3.13.0rc1</c> or <c>3.11.2+</c>.</summary>
    public static bool TryParse(string text, out PythonVersion version)
    {
        version = default;
        var match = VersionText().Match(text);
        if (!match.Success) return false;
        var level = match.Groups["level"].Value switch
        {
            "a" => PythonReleaseLevel.Alpha,
            "b" => PythonReleaseLevel.Beta,
            "rc" => PythonReleaseLevel.Candidate,
            _ => PythonReleaseLevel.Final,
        };
        var serial = match.Groups["serial"].Success ? Number(match.Groups["serial"].Value) : 0;
        version = new PythonVersion(
            Number(match.Groups["major"].Value), Number(match.Groups["minor"].Value), Number(match.Groups["micro"].Value),
            level, serial);
        return true;
    }

    public int CompareTo(PythonVersion other) => Hex.CompareTo(other.Hex);

    public override string ToString()
    {
        var suffix = ReleaseLevel switch
        {
            PythonReleaseLevel.Alpha => $"a{Serial}",
            PythonReleaseLevel.Beta => $"b{Serial}",
            PythonReleaseLevel.Candidate => $"rc{Serial}",
            _ => "",
        };
        return $"{Major}.{Minor}.{Micro}{suffix}";
    }

    private static int Number(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<major>\d)\.(?<minor>\d{1,2})\.(?<micro>\d{1,3})(?:(?<level>a|b|rc)(?<serial>\d{1,2}))?\+?$")]
    private static partial Regex VersionText();
}
