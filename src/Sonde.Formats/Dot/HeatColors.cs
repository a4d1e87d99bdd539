using System.Globalization;

namespace Sonde.Formats.Dot;

/// <summary>
/// Colours by share of the total, from cool blue (nothing) through green and yellow to red (everything). The
/// share is taken to the power 0.4 first, so the many small functions still differ from each other.
/// </summary>
internal static class HeatColors
{
    public static string Fill(double share) => Hex(Rgb(share, lightness: 0.45));

    /// <summary>Edges are drawn thinner than nodes, so a darker shade keeps them readable.</summary>
    public static string Line(double share) => Hex(Rgb(share, lightness: 0.35));

    /// <summary>Black on light fills (yellow, green), white on dark ones.</summary>
    public static string Font(double share)
    {
        var (r, g, b) = Rgb(share, lightness: 0.45);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 ? "#000000" : "#ffffff";
    }

    private static (double R, double G, double B) Rgb(double share, double lightness)
    {
        var heat = Math.Pow(Math.Clamp(share, 0, 1), 0.4);
        var hue = (1 - heat) * 240;
        const double saturation = 0.85;
        var chroma = (1 - Math.Abs(2 * lightness - 1)) * saturation;
        var x = chroma * (1 - Math.Abs(hue / 60 % 2 - 1));
        var (r, g, b) = hue switch
        {
            < 60 => (chroma, x, 0.0),
            < 120 => (x, chroma, 0.0),
            < 180 => (0.0, chroma, x),
            _ => (0.0, x, chroma),
        };
        var m = lightness - chroma / 2;
        return (r + m, g + m, b + m);
    }

    private static string Hex((double R, double G, double B) color) =>
        string.Create(CultureInfo.InvariantCulture, $"#{Byte(color.R):x2}{Byte(color.G):x2}{Byte(color.B):x2}");

    private static int Byte(double value) => (int)Math.Round(Math.Clamp(value, 0, 1) * 255);
}
