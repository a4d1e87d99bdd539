using System.Globalization;
using System.Text;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Formats values the way Python's <c>repr</c> shows them, so a dump reads like the program's own view: the shortest
/// float that round-trips (<c>1e+16</c>, <c>0.0001</c>, <c>3.0</c>), strs and bytes quoted and escaped. Strs and bytes
/// arrive already cut to a prefix; a cut one ends with an ellipsis and its full length.
/// </summary>
internal static class PythonRepr
{
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var sign = double.IsNegative(value) ? "-" : "";
        if (value == 0) return sign + "0.0";

        // .NET's "R" is the shortest string that round-trips, like Python's repr; only the layout differs.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOf('E');
        var mantissa = e < 0 ? shortest : shortest[..e];
        var exponent = e < 0 ? 0 : int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var whole = dot < 0 ? mantissa : mantissa[..dot];
        var all = whole + (dot < 0 ? "" : mantissa[(dot + 1)..]);
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        // The value is 0.DIGITS times ten to the power of decimalPoint.
        var decimalPoint = whole.Length + exponent - leadingZeros;

        var text = new StringBuilder(sign);
        if (decimalPoint is <= -4 or > 16)
        {
            text.Append(digits[0]);
            if (digits.Length > 1) text.Append('.').Append(digits, 1, digits.Length - 1);
            var power = decimalPoint - 1;
            text.Append('e').Append(power < 0 ? '-' : '+').Append(Math.Abs(power).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
        {
            text.Append("0.").Append('0', -decimalPoint).Append(digits);
        }
        else if (decimalPoint < digits.Length)
        {
            text.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        }
        else
        {
            text.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
        }
        return text.ToString();
    }

    /// <summary>A str from its first code points; <paramref name="length"/> is the whole string's length.</summary>
    public static string Str(ReadOnlySpan<int> codePoints, long length)
    {
        var quote = Quote(codePoints.Contains('\''), codePoints.Contains('"'));
        var text = new StringBuilder(codePoints.Length + 8).Append(quote);
        foreach (var c in codePoints)
        {
            if (c == quote || c == '\\') text.Append('\\').Append((char)c);
            else if (c == '\t') text.Append("\\t");
            else if (c == '\n') text.Append("\\n");
            else if (c == '\r') text.Append("\\r");
            else if (c < 0x20 || c == 0x7f) AppendHex(text, "\\x", c, 2);
            else if (c < 0x7f) text.Append((char)c);
            else if (IsPrintable(c)) text.Append(char.ConvertFromUtf32(c));
            else if (c <= 0xff) AppendHex(text, "\\x", c, 2);
            else if (c <= 0xffff) AppendHex(text, "\\u", c, 4);
            else AppendHex(text, "\\U", c, 8);
        }
        text.Append(quote);
        return Truncated(text, codePoints.Length, length, "chars");
    }

    /// <summary>A bytes object from its first bytes; <paramref name="length"/> is the whole object's length.</summary>
    public static string Bytes(ReadOnlySpan<byte> data, long length)
    {
        var quote = Quote(data.Contains((byte)'\''), data.Contains((byte)'"'));
        var text = new StringBuilder(data.Length + 8).Append('b').Append(quote);
        foreach (var b in data)
        {
            if (b == quote || b == '\\') text.Append('\\').Append((char)b);
            else if (b == '\t') text.Append("\\t");
            else if (b == '\n') text.Append("\\n");
            else if (b == '\r') text.Append("\\r");
            else if (b < 0x20 || b >= 0x7f) AppendHex(text, "\\x", b, 2);
            else text.Append((char)b);
        }
        text.Append(quote);
        return Truncated(text, data.Length, length, "bytes");
    }

    /// <summary>Python quotes with ' unless the text holds a ' and no ".</summary>
    private static char Quote(bool hasSingle, bool hasDouble) => hasSingle && !hasDouble ? '"' : '\'';

    private static string Truncated(StringBuilder text, int shown, long length, string unit) =>
        shown < length ? text.Append("… (").Append(length.ToString("N0", CultureInfo.InvariantCulture)).Append(' ').Append(unit).Append(')').ToString() : text.ToString();

    private static void AppendHex(StringBuilder text, string prefix, int value, int width) =>
        text.Append(prefix).Append(value.ToString("x" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));

    /// <summary>Python's <c>str.isprintable</c> for one code point: not a control, format, surrogate, private, unassigned or separator other than space.</summary>
    private static bool IsPrintable(int c)
    {
        if (c is >= 0xd800 and <= 0xdfff) return false;
        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => c == ' ',
            _ => true,
        };
    }
}
