using System.Globalization;

namespace Sonde.Cli.Console;

/// <summary>Human formatting of durations and percentages, the same in every report.</summary>
internal static class Numbers
{
    public static string Percent(double part, double whole) =>
        whole <= 0 ? "0.0%" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + "%";

    public static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " s";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Millis(double milliseconds) => milliseconds.ToString("N1", CultureInfo.InvariantCulture) + " ms";

    public static string Micros(double microseconds) => microseconds.ToString(microseconds < 10 ? "F2" : "N1", CultureInfo.InvariantCulture) + " us";

    public static string Hz(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + " Hz";
}
