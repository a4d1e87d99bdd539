namespace Sonde.Remote.CPython.LineTables;

/// <summary>
/// Decodes CPython 3.10's <c>co_linetable</c> (Objects/lnotab_notes.txt in 3.10).
/// </summary>
/// <remarks>
/// The table is a run of byte pairs, each describing one address range that follows the previous one:
/// an unsigned length in bytes, then a signed line delta applied to a running line, where -128 marks the
/// range as having no line (the running line is left unchanged). Ranges may be empty; they still move the
/// running line, which is how jumps beyond one byte are spread over several pairs. The line of an offset
/// is that of the range containing it, as in 3.10's <c>_PyCode_CheckLineNumber</c>.
/// </remarks>
internal static class LineTable310Decoder
{
    private const sbyte NoLine = -128;

    /// <summary>
    /// The line of the instruction at <paramref name="byteOffset"/>, in bytes: callers pass 3.10's
    /// <c>f_lasti * 2</c>, since <c>f_lasti</c> counts 2-byte code units there. Offsets that fall in a
    /// no-line range, before 0 or past the last range get <paramref name="firstLine"/>.
    /// </summary>
    public static int LineFor(ReadOnlySpan<byte> table, int firstLine, int byteOffset)
    {
        if (byteOffset < 0) return firstLine;

        long end = 0;
        long line = firstLine;
        var pairs = table.Length / 2;
        for (var i = 0; i < pairs; i++)
        {
            end += table[2 * i];
            var delta = (sbyte)table[2 * i + 1];
            var hasLine = delta != NoLine;
            if (hasLine) line += delta;
            // Ranges are contiguous from 0, so the first one ending past the offset is the one holding it.
            if (end > byteOffset)
                return hasLine && line is >= 0 and <= int.MaxValue ? (int)line : firstLine;
        }
        return firstLine;
    }
}
