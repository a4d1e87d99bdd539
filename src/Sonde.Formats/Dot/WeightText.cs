using System.Globalization;
using Sonde.Profiles;

namespace Sonde.Formats.Dot;

/// <summary>A weight as people read it: <c>55 samples</c>, <c>1.25 s</c>, <c>3.4 MiB</c>.</summary>
internal static class WeightText
{
    public static string Format(long value, WeightType type) => type.Unit switch
    {
        "nanoseconds" => Duration(value),
        "bytes" => Bytes(value),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value} {type.Name}"),
    };

    private static string Duration(long nanoseconds)
    {
        var magnitude = Math.Abs(nanoseconds);
        return magnitude switch
        {
            >= 1_000_000_000 => Invariant(nanoseconds / 1e9, "s"),
            >= 1_000_000 => Invariant(nanoseconds / 1e6, "ms"),
            >= 1_000 => Invariant(nanoseconds / 1e3, "µs"),
            _ => Invariant(nanoseconds, "ns"),
        };
    }

    private static string Bytes(long bytes)
    {
        var magnitude = Math.Abs(bytes);
        return magnitude switch
        {
            >= 1L << 30 => Invariant(bytes / (double)(1L << 30), "GiB"),
            >= 1L << 20 => Invariant(bytes / (double)(1L << 20), "MiB"),
            >= 1L << 10 => Invariant(bytes / 1024.0, "KiB"),
            _ => Invariant(bytes, "B"),
        };
    }

    private static string Invariant(double value, string unit) => string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {unit}");
}
