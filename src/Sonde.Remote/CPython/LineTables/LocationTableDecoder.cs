namespace Sonde.Remote.CPython.LineTables;

/// <summary>
/// Decodes the location table of CPython 3.11-3.13, <c>co_linetable</c> (Objects/locations.md in 3.11
/// and 3.12, InternalDocs/code_objects.md later). Only the start line is decoded: the sampler needs no
/// columns.
/// </summary>
/// <remarks>
/// The table is a run of entries, each covering the next 1-8 code units (2 bytes each). An entry starts
/// with a byte whose top bit is set; its bits 3-6 give the kind and bits 0-2 the length minus one. The
/// bytes after it, up to the next byte with the top bit set, carry the kind's operands:
/// <list type="bullet">
/// <item>0-9, short forms: same line as the running line, one column byte.</item>
/// <item>10-12, one-line forms: the line moves by kind - 10 (0, 1 or 2), two column bytes.</item>
/// <item>13, no columns: a signed varint line delta.</item>
/// <item>14, long form: a signed varint line delta, then end line and columns as varints.</item>
/// <item>15, no location: the units have no line; the running line is unchanged.</item>
/// </list>
/// A varint is little-endian 6-bit chunks, bit 6 meaning another chunk follows; a signed varint keeps the
/// sign in its lowest bit. Skipping operands to the next entry-start byte, as the interpreter itself does,
/// means a torn or truncated entry can never make us lose our place for more than one entry.
/// </remarks>
internal static class LocationTableDecoder
{
    private const int KindOneLine0 = 10;
    private const int KindOneLine2 = 12;
    private const int KindNoColumns = 13;
    private const int KindLong = 14;
    private const int KindNone = 15;

    /// <summary>
    /// The line of the code unit at <paramref name="byteOffset"/>, in bytes from the start of the bytecode
    /// (CACHE units included). Offsets in a no-location entry, before 0 or past the last entry get
    /// <paramref name="firstLine"/>.
    /// </summary>
    public static int LineFor(ReadOnlySpan<byte> table, int firstLine, int byteOffset)
    {
        if (byteOffset < 0) return firstLine;

        long end = 0;
        long line = firstLine;
        var i = 0;
        while (i < table.Length)
        {
            var head = table[i];
            i++;
            // A byte without the top bit where an entry should start is garbage: step over it, as the
            // interpreter's own scan only ever stops on entry-start bytes.
            if ((head & 0x80) == 0) continue;

            var kind = (head >> 3) & 0x0F;
            end += ((head & 0x07) + 1) * 2;
            if (kind is KindNoColumns or KindLong)
                line += ReadSignedVarint(table, i);
            else if (kind is >= KindOneLine0 and <= KindOneLine2)
                line += kind - KindOneLine0;

            if (end > byteOffset)
                return kind != KindNone && line is >= 0 and <= int.MaxValue ? (int)line : firstLine;

            while (i < table.Length && (table[i] & 0x80) == 0) i++;
        }
        return firstLine;
    }

    /// <summary>
    /// The signed varint starting at <paramref name="start"/>, stopping at the end of the table or at the
    /// next entry-start byte if it is truncated, and ignoring chunks beyond 32 bits if it is absurdly long.
    /// </summary>
    private static long ReadSignedVarint(ReadOnlySpan<byte> table, int start)
    {
        ulong value = 0;
        var shift = 0;
        for (var i = start; i < table.Length; i++)
        {
            var b = table[i];
            if ((b & 0x80) != 0) break;
            if (shift < 32) value |= (ulong)(b & 0x3F) << shift;
            shift += 6;
            if ((b & 0x40) == 0) break;
        }
        var magnitude = (long)(value >> 1);
        return (value & 1) != 0 ? -magnitude : magnitude;
    }
}
