using System.Globalization;

namespace Sonde.Formats;

/// <summary>
/// Recognises the pseudo-frames that put a thread or a process at the root of a stack, as Sonde and py-spy
/// write them, so readers turn them back into the sample's thread instead of keeping them as frames.
/// </summary>
internal static class PseudoFrames
{
    /// <summary>
    /// <c>thread NAME (TID)</c> (Sonde), <c>thread (TID)</c> and <c>thread (TID): NAME</c> (py-spy). The id is
    /// decimal, or hexadecimal with <c>0x</c>.
    /// </summary>
    public static bool TryParseThread(ReadOnlySpan<char> label, out long threadId, out string name)
    {
        threadId = 0;
        name = "";
        if (!label.StartsWith("thread ", StringComparison.Ordinal)) return false;
        var rest = label["thread ".Length..];
        if (rest.StartsWith('('))
        {
            var close = rest.IndexOf(')');
            if (close > 0 && TryParseId(rest[1..close], out threadId))
            {
                var after = rest[(close + 1)..];
                if (after.IsEmpty) return true;
                if (after.StartsWith(": ", StringComparison.Ordinal))
                {
                    name = after[2..].ToString();
                    return true;
                }
            }
        }
        if (!rest.EndsWith(')')) return false;
        var open = rest.LastIndexOf(" (", StringComparison.Ordinal);
        if (open < 0 || !TryParseId(rest[(open + 2)..^1], out threadId)) return false;
        name = rest[..open].ToString();
        return true;
    }

    /// <summary><c>process PID (COMMAND)</c> (Sonde) and <c>process PID:"COMMAND"</c> (py-spy).</summary>
    public static bool TryParseProcess(ReadOnlySpan<char> label, out int processId, out string command)
    {
        processId = 0;
        command = "";
        if (!label.StartsWith("process ", StringComparison.Ordinal)) return false;
        var rest = label["process ".Length..];
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
        if (digits == 0 || !int.TryParse(rest[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out processId)) return false;
        var tail = rest[digits..];
        if (tail.StartsWith(" (", StringComparison.Ordinal) && tail.EndsWith(')')) command = tail[2..^1].ToString();
        else if (tail.StartsWith(":\"", StringComparison.Ordinal) && tail.EndsWith('"') && tail.Length >= 3) command = tail[2..^1].ToString();
        else return tail.IsEmpty;
        return true;
    }

    /// <summary>A thread id: decimal, or hexadecimal after <c>0x</c>.</summary>
    public static bool TryParseId(ReadOnlySpan<char> text, out long id)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var ok = ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex);
            id = (long)hex;
            return ok && text.Length > 2;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
