using System.Globalization;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Continuous;

/// <summary>Parses <c>--every</c>: a number with an optional unit (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>); bare numbers are seconds.</summary>
internal static class WindowLength
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Maximum = TimeSpan.FromHours(1);

    /// <exception cref="UsageException">Not a duration, or outside 1 s to 1 h.</exception>
    public static TimeSpan Parse(string text)
    {
        var trimmed = text.Trim();
        var (number, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') => (trimmed[..^1], 60.0),
            _ when trimmed.EndsWith('h') => (trimmed[..^1], 3600.0),
            _ => (trimmed, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new UsageException($"--every takes a duration such as 10s, 1m or 500ms, not '{text}'");
        var length = TimeSpan.FromSeconds(value * scale);
        if (length < Minimum || length > Maximum)
            throw new UsageException($"--every must be between 1s and 1h, not '{text}'");
        return length;
    }
}
