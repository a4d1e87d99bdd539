namespace Sonde.Remote.CPython.LineTables;

/// <summary>
/// Maps an instruction's byte offset to its source line, from the raw line table of a code object read
/// out of another process. The table encoding changed in 3.10 and again in 3.11, so this dispatches on the
/// target's minor version to the decoder for that encoding.
/// </summary>
/// <remarks>
/// Every decoder is a single forward pass over the table: no allocation, no recursion, and at most one
/// step per table byte, so a hostile or torn read (the target may be rewriting memory under us) costs at
/// worst one scan and never throws. The cost is linear in the table size; callers that sample the same
/// (code, offset) often can cache the result by remote address.
/// </remarks>
public static class LineNumbers
{
    /// <summary>The first minor version of 3.x with a decoder here.</summary>
    public const int MinMinor = 8;

    /// <summary>The last minor version of 3.x with a decoder here.</summary>
    public const int MaxMinor = 13;

    /// <summary>
    /// The source line of the instruction at <paramref name="byteOffset"/>, or <paramref name="firstLine"/>
    /// when the table gives that offset no line (the offset is negative or past the table, the interpreter
    /// marked the instruction as having no line, or the table is malformed).
    /// </summary>
    /// <param name="minor">The target's CPython minor version (8 for 3.8 ... 13 for 3.13).</param>
    /// <param name="table">
    /// The raw table bytes: <c>co_lnotab</c> on 3.8-3.9, <c>co_linetable</c> on 3.10 and later.
    /// </param>
    /// <param name="firstLine"><c>co_firstlineno</c>, the line every table's deltas start from.</param>
    /// <param name="byteOffset">
    /// The instruction's offset in <b>bytes</b> from the start of the bytecode, on every version:
    /// <list type="bullet">
    /// <item>3.8-3.9: <c>f_lasti</c> as it is (it already counts bytes).</item>
    /// <item>3.10: <c>f_lasti * 2</c>, because 3.10's <c>f_lasti</c> counts 2-byte code units.</item>
    /// <item>3.11+: the instruction pointer minus the address of <c>co_code_adaptive</c>. Which instruction
    /// that pointer designates (3.11/3.12 <c>prev_instr</c> is the previous one, 3.13 <c>instr_ptr</c> the
    /// current one) is the caller's concern; inline CACHE units have lines of their own here.</item>
    /// </list>
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minor"/> is not 8-13: a caller bug,
    /// since version detection rejects unsupported targets before any sampling.</exception>
    public static int ForInstruction(int minor, ReadOnlySpan<byte> table, int firstLine, int byteOffset) =>
        minor switch
        {
            8 or 9 => LnotabDecoder.LineFor(table, firstLine, byteOffset),
            10 => LineTable310Decoder.LineFor(table, firstLine, byteOffset),
            11 or 12 or 13 => LocationTableDecoder.LineFor(table, firstLine, byteOffset),
            _ => throw new ArgumentOutOfRangeException(nameof(minor), minor,
                $"No line-table decoder for CPython 3.{minor}; supported are 3.{MinMinor}-3.{MaxMinor}."),
        };
}
