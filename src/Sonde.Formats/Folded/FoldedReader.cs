using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Folded;

/// <summary>
/// Reads folded stacks as flamegraph.pl, py-spy, Sonde and Austin write them: one stack per line, frames
/// outermost first joined by <c>;</c>, then the weight. Sonde and py-spy labels (<c>name (file:line)</c>) become
/// frames again, leading <c>thread …</c> and <c>process …</c> pseudo-frames become the sample's thread, and
/// Austin's <c>P&lt;pid&gt;;T&lt;tid&gt;</c> prefixes, frames and metrics are understood (docs/formats.md).
/// </summary>
public sealed class FoldedReader : IProfileReader
{
    public string FormatName => "folded";

    /// <summary>
    /// Text without control characters whose first stack line ends in a number, or an Austin header. A first line
    /// longer than the head counts when it has a <c>;</c>, since deep stacks make long lines.
    /// </summary>
    public bool Recognizes(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r')) return false;
        var text = head;
        if (text.StartsWith("\uFEFF"u8)) text = text[3..];
        // JSON and XML are never folded stacks, however many semicolons their strings hold.
        if (text.TrimStart(" \t\r\n"u8) is [(byte)'{' or (byte)'[' or (byte)'<', ..]) return false;
        while (!text.IsEmpty)
        {
            var newline = text.IndexOf((byte)'\n');
            if (newline < 0 && head.Length >= 4096) return text.Contains((byte)';');
            var line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? default : text[(newline + 1)..];
            line = line.TrimEnd(" \t\r"u8);
            if (line.IsEmpty) continue;
            if (line[0] == (byte)'#')
            {
                if (line.StartsWith("# austin: "u8)) return true;
                continue;
            }
            return EndsInMetrics(line);
        }
        return false;
    }

    public Profile Read(Stream input, string displayName)
    {
        try
        {
            return new FoldedDecoder(input).Decode();
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException)
        {
            throw new BadInputException($"'{OneLine(displayName)}' is not a valid folded-stacks file: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new BadInputException($"can't read '{OneLine(displayName)}': {e.Message}", e);
        }
    }

    /// <summary>A space, then digits (Austin: possibly signed and comma-separated) to the end.</summary>
    private static bool EndsInMetrics(ReadOnlySpan<byte> line)
    {
        var space = line.LastIndexOf((byte)' ');
        if (space < 0 || space == line.Length - 1) return false;
        var digits = 0;
        foreach (var b in line[(space + 1)..])
        {
            if (b is >= (byte)'0' and <= (byte)'9') digits++;
            else if (b is not ((byte)',' or (byte)'-')) return false;
        }
        return digits > 0;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
