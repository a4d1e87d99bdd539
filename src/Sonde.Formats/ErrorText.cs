using System.Text;

namespace Sonde.Formats;

/// <summary>Puts a value read from a file into a one-line error message without letting it break or flood the line.</summary>
internal static class ErrorText
{
    private const int MaxLength = 40;

    /// <summary>At most 40 characters, with control characters and line separators shown as <c>?</c>.</summary>
    public static string Quote(ReadOnlySpan<char> text)
    {
        var clipped = text.Length > MaxLength ? text[..MaxLength] : text;
        var result = new StringBuilder(clipped.Length + 3);
        foreach (var c in clipped) result.Append(char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' ? '?' : c);
        if (text.Length > MaxLength) result.Append("...");
        return result.ToString();
    }
}
