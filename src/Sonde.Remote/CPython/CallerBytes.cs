namespace Sonde.Remote.CPython;

/// <summary>
/// From 3.11: the bytes of a thread's data stack, from the start of the range the batch fetched for it up to the end
/// of its innermost frame, as they were when its last walk read every frame from that one range. A thread mostly runs
/// inside the same callers from one tick to the next, and a caller's frame doesn't change while a callee runs, so the
/// next walk compares the range read again with these bytes: a frame that lies wholly below the first byte that
/// changed, where the last walk had a frame, is that frame, and so is everything below it (see
/// <see cref="InterpreterFrameWalker"/>).
/// </summary>
internal sealed class CallerBytes
{
    private byte[] _bytes = new byte[16 * 1024];
    private ulong _start;
    private int _length;

    public void Forget() => _length = 0;

    /// <summary>
    /// The address below which <paramref name="range"/>, read this tick at <paramref name="start"/>, holds the bytes
    /// kept; 0 when nothing is kept for a range starting there.
    /// </summary>
    public ulong UnchangedBelow(ReadOnlySpan<byte> range, ulong start)
    {
        if (_length == 0 || start != _start) return 0;
        var length = Math.Min(range.Length, _length);
        return start + (ulong)SamePrefixLength(range[..length], _bytes.AsSpan(0, length));
    }

    /// <summary>
    /// How many leading bytes the two spans share. Whole blocks are compared with <c>SequenceEqual</c>, which uses
    /// the widest vectors the CPU has: 60 ns for 6 KiB here, where <c>CommonPrefixLength</c> alone takes 250.
    /// </summary>
    private static int SamePrefixLength(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        const int Block = 1024;
        var same = 0;
        while (same + Block <= a.Length && a.Slice(same, Block).SequenceEqual(b.Slice(same, Block))) same += Block;
        return same + a[same..].CommonPrefixLength(b[same..]);
    }

    /// <summary>
    /// Keeps the first <paramref name="length"/> bytes of <paramref name="range"/>, read at <paramref name="start"/>,
    /// of which those below <paramref name="unchangedBelow"/> (from <see cref="UnchangedBelow"/>, or 0) are the
    /// bytes kept already and aren't copied again.
    /// </summary>
    public void Keep(ReadOnlySpan<byte> range, ulong start, int length, ulong unchangedBelow)
    {
        var unchanged = _length > 0 && start == _start && unchangedBelow > start ? (int)Math.Min(unchangedBelow - start, (ulong)length) : 0;
        if (_bytes.Length < length)
        {
            _bytes = new byte[length * 2];
            unchanged = 0;
        }
        range[unchanged..length].CopyTo(_bytes.AsSpan(unchanged));
        _start = start;
        _length = length;
    }
}
