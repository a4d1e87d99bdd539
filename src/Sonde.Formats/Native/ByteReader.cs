using System.Runtime.CompilerServices;
using System.Text;

namespace Sonde.Formats.Native;

/// <summary>
/// Reads the primitives of a block's content, checking every length against what is left, so a corrupt count
/// or length ends in <see cref="InvalidDataException"/> rather than a huge allocation or an overrun.
/// </summary>
internal ref struct ByteReader(ReadOnlySpan<byte> data, string what)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte()
    {
        if (_position >= _data.Length) throw Overrun();
        return _data[_position++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        var data = _data;
        var i = _position;
        if ((uint)i < (uint)data.Length && data[i] < 0x80)
        {
            _position = i + 1;
            return data[i];
        }
        return ReadVarintSlow();
    }

    private ulong ReadVarintSlow()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length) throw Overrun();
            var b = _data[_position++];
            if (shift == 63 && b > 1) throw new InvalidDataException($"{what}: a number is too large");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException($"{what}: a number is too large");
    }

    public long ReadSigned()
    {
        var raw = ReadVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>A non-negative int no larger than <paramref name="max"/>.</summary>
    public int ReadInt(int max = int.MaxValue)
    {
        var value = ReadVarint();
        if (value > (ulong)max) throw new InvalidDataException($"{what}: {value} is out of range (at most {max})");
        return (int)value;
    }

    /// <summary>
    /// A count of items that take at least <paramref name="minBytesEach"/> bytes each, so a count the remaining
    /// bytes cannot hold is caught before anything is allocated for it.
    /// </summary>
    public int ReadCount(int minBytesEach)
    {
        var count = ReadVarint();
        if (count > (ulong)(Remaining / Math.Max(minBytesEach, 1)))
            throw new InvalidDataException($"{what}: declares {count} entries but only {Remaining} bytes follow");
        return (int)count;
    }

    public string ReadString()
    {
        var length = ReadInt(NativeFormat.MaxStringBytes);
        if (length > Remaining) throw Overrun();
        var text = length == 0 ? "" : Encoding.UTF8.GetString(_data.Slice(_position, length));
        _position += length;
        return text;
    }

    /// <summary>The next <paramref name="length"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (length > Remaining) throw Overrun();
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public readonly void ExpectEnd()
    {
        if (!AtEnd) throw new InvalidDataException($"{what}: {Remaining} unexpected bytes at the end");
    }

    private readonly InvalidDataException Overrun() => new($"{what}: ends in the middle of a value");
}
