using System.Globalization;
using Sonde.Profiles.Errors;

namespace Sonde.Store;

/// <summary>
/// Keeps the store bounded: after each save, the oldest recordings go until at most <see cref="KeepLast"/> remain
/// and their profiles take at most <see cref="MaxBytes"/>. The newest recording always stays.
/// </summary>
public sealed record RetentionPolicy(int KeepLast, long MaxBytes)
{
    public const string KeepVariable = "SONDE_STORE_KEEP";
    public const string MaxBytesVariable = "SONDE_STORE_MAX_BYTES";

    public static RetentionPolicy Default { get; } = new(1000, 1L << 30);

    /// <summary>The default, overridden by <c>SONDE_STORE_KEEP</c> (a count) and <c>SONDE_STORE_MAX_BYTES</c> (bytes, or with K, M or G).</summary>
    public static RetentionPolicy FromEnvironment()
    {
        var keep = Environment.GetEnvironmentVariable(KeepVariable);
        var maxBytes = Environment.GetEnvironmentVariable(MaxBytesVariable);
        return new RetentionPolicy(
            string.IsNullOrWhiteSpace(keep) ? Default.KeepLast : ParseCount(keep),
            string.IsNullOrWhiteSpace(maxBytes) ? Default.MaxBytes : ParseBytes(maxBytes));
    }

    private static int ParseCount(string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1
            ? count
            : throw new UsageException($"{KeepVariable} must be a whole number of recordings of at least 1, not '{text.ReplaceLineEndings(" ")}'");

    internal static long ParseBytes(string text)
    {
        var trimmed = text.Trim();
        var multiplier = 1L;
        if (trimmed.Length > 0 && char.ToUpperInvariant(trimmed[^1]) is 'K' or 'M' or 'G')
        {
            multiplier = char.ToUpperInvariant(trimmed[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
            trimmed = trimmed[..^1];
        }
        if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= long.MaxValue / multiplier)
            return value * multiplier;
        throw new UsageException($"{MaxBytesVariable} must be a size such as 500M or 2G, not '{text.ReplaceLineEndings(" ")}'");
    }
}
