using System.Buffers.Binary;
using System.Text;

namespace Sonde.Formats.Pstats;

/// <summary>
/// Writes values in Python's marshal format, version 4, through a buffer. Strings of four characters or more
/// are written once and referred back to afterwards, as <c>marshal.dump</c> does for shared objects.
/// </summary>
internal sealed class MarshalWriter(Stream output)
{
    private const int ShortestSharedString = 4;

    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly Dictionary<string, int> _stringRefs = new(StringComparer.Ordinal);
    private int _used;
    private int _nextRef;

    public void WriteDictStart() => WriteByte(MarshalCodes.Dict);

    public void WriteDictEnd() => WriteByte(MarshalCodes.Null);

    /// <summary>
    /// Starts a tuple of <paramref name="count"/> items. With <paramref name="remember"/> it gets a back-reference
    /// index, returned, for <see cref="WriteRef"/>; otherwise -1.
    /// </summary>
    public int WriteTupleStart(int count, bool remember = false)
    {
        var flag = remember ? MarshalCodes.FlagRef : (byte)0;
        if (count < 256)
        {
            WriteByte((byte)(MarshalCodes.SmallTuple | flag));
            WriteByte((byte)count);
        }
        else
        {
            WriteByte((byte)(MarshalCodes.Tuple | flag));
            WriteInt32(count);
        }
        return remember ? _nextRef++ : -1;
    }

    public void WriteRef(int index)
    {
        WriteByte(MarshalCodes.Ref);
        WriteInt32(index);
    }

    public void WriteInt(long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            WriteByte(MarshalCodes.Int);
            WriteInt32((int)value);
            return;
        }
        // Base 2**15 digits, least significant first; the sign goes on the digit count.
        WriteByte(MarshalCodes.Long);
        var magnitude = value < 0 ? (UInt128)(-(Int128)value) : (UInt128)value;
        var digits = 0;
        for (var m = magnitude; m != 0; m >>= 15) digits++;
        WriteInt32(value < 0 ? -digits : digits);
        for (var m = magnitude; m != 0; m >>= 15) WriteUInt16((ushort)(m & 0x7FFF));
    }

    public void WriteFloat(double value)
    {
        WriteByte(MarshalCodes.Float);
        BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);
    }

    public void WriteString(string value)
    {
        var share = value.Length >= ShortestSharedString;
        if (share && _stringRefs.TryGetValue(value, out var index))
        {
            WriteRef(index);
            return;
        }
        var flag = share ? MarshalCodes.FlagRef : (byte)0;
        if (share) _stringRefs.Add(value, _nextRef++);
        if (Ascii.IsValid(value))
        {
            if (value.Length < 256)
            {
                WriteByte((byte)(MarshalCodes.ShortAscii | flag));
                WriteByte((byte)value.Length);
            }
            else
            {
                WriteByte((byte)(MarshalCodes.Ascii | flag));
                WriteInt32(value.Length);
            }
            WriteBytes(Encoding.ASCII.GetBytes(value));
        }
        else
        {
            // Lone surrogates, which Python would pass through, become U+FFFD: still valid for every reader.
            var bytes = Encoding.UTF8.GetBytes(value);
            WriteByte((byte)(MarshalCodes.Unicode | flag));
            WriteInt32(bytes.Length);
            WriteBytes(bytes);
        }
    }

    public void Flush()
    {
        output.Write(_buffer, 0, _used);
        _used = 0;
    }

    private void WriteByte(byte value) => Reserve(1)[0] = value;

    private void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    private void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    private void WriteBytes(byte[] bytes)
    {
        if (bytes.Length > _buffer.Length)
        {
            Flush();
            output.Write(bytes);
            return;
        }
        bytes.CopyTo(Reserve(bytes.Length));
    }

    private Span<byte> Reserve(int count)
    {
        if (_used + count > _buffer.Length) Flush();
        var span = _buffer.AsSpan(_used, count);
        _used += count;
        return span;
    }
}
