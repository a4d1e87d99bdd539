using System.Globalization;
using System.Text;

namespace Sonde.Cli.Console;

/// <summary>
/// Makes untrusted text (function, file and thread names from the target) safe to print: control characters,
/// including ESC, become visible escapes so a name can't move the cursor, recolour or retitle the terminal.
/// </summary>
public static class TerminalText
{
    public static string Escape(string text)
    {
        var clean = true;
        foreach (var c in text)
            if (IsUnsafe(c)) { clean = false; break; }
        if (clean) return text;

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (IsUnsafe(c)) builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202e' or '\u202d' or '\u2066' or '\u2067' or '\u2068' or '\u2069';
}
