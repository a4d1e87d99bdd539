using System.Buffers;
using System.Text;

namespace Sonde.Formats.Native;

/// <summary>A growable byte buffer that writes the primitives of the <c>.sonde</c> layout: LEB128 varints and strings.</summary>
internal sealed class ByteBuffer
{
    private byte[] _bytes;
    private int _length;

    public ByteBuffer(int capacity = 256) => _bytes = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void WriteByte(byte value)
    {
        Reserve(1);
        _bytes[_length++] = value;
    }

    public void WriteVarint(ulong value)
    {
        Reserve(10);
        var bytes = _bytes;
        var i = _length;
        while (value >= 0x80)
        {
            bytes[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        bytes[i++] = (byte)value;
        _length = i;
    }

    /// <summary>Writes a non-negative int; a negative one is a bug in the caller.</summary>
    public void WriteVarint(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        WriteVarint((ulong)value);
    }

    /// <summary>Zigzag: small magnitudes of either sign stay short.</summary>
    public void WriteSigned(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>The UTF-8 byte count as a varint, then the bytes.</summary>
    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarint(count);
        Reserve(count);
        _length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_length));
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>The content so far as a new array.</summary>
    public byte[] ToArray() => Span.ToArray();

    private void Reserve(int count)
    {
        if (_length + count <= _bytes.Length) return;
        var grown = new byte[Math.Max(_length + count, _bytes.Length * 2)];
        _bytes.AsSpan(0, _length).CopyTo(grown);
        _bytes = grown;
    }

    /// <summary>Bytes a varint of this value takes.</summary>
    public static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    /// <summary>Rents an array for a one-off scratch buffer.</summary>
    public static byte[] Rent(int length) => ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));

    public static void Return(byte[] array) => ArrayPool<byte>.Shared.Return(array);
}
