namespace Sonde.Remote.CPython.LineTables;

/// <summary>
/// Decodes <c>co_lnotab</c>, the line table of CPython 3.8 and 3.9 (Objects/lnotab_notes.txt of those
/// versions).
/// </summary>
/// <remarks>
/// The table is a run of byte pairs: an unsigned increment of the bytecode offset, then a signed (since
/// 3.6) increment of the line. Jumps that do not fit one pair are split over several, with a zero in the
/// other half, so a pair may move only the offset or only the line. The line of an offset is the line
/// reached after applying every pair whose cumulative offset is at or before it, which is what
/// <c>PyCode_Addr2Line</c> computes in those versions.
/// </remarks>
internal static class LnotabDecoder
{
    /// <summary>
    /// The line of the instruction at <paramref name="byteOffset"/> (which is <c>f_lasti</c> on these
    /// versions). Every offset has a line in this format: offsets past the last pair keep the last line,
    /// as the interpreter does, and negative offsets get <paramref name="firstLine"/>.
    /// </summary>
    public static int LineFor(ReadOnlySpan<byte> table, int firstLine, int byteOffset)
    {
        if (byteOffset < 0) return firstLine;

        // long accumulators: a malformed table cannot overflow them before the span ends (at most 255 or
        // 128 per pair), and the result is range-checked once.
        long address = 0;
        long line = firstLine;
        // An odd trailing byte is half a pair: ignore it rather than read past the table.
        var pairs = table.Length / 2;
        for (var i = 0; i < pairs; i++)
        {
            address += table[2 * i];
            if (address > byteOffset) break;
            line += (sbyte)table[2 * i + 1];
        }
        return line is >= 0 and <= int.MaxValue ? (int)line : firstLine;
    }
}
