using System.Text;

namespace Sonde.Formats.Pprof;

/// <summary>
/// Appends protobuf wire-format fields to a growable buffer. Nested messages are written into a second
/// writer first and then copied in with <see cref="WriteMessage"/>, since a length prefix comes before them.
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>A singular integer field; proto3 leaves out zero, so readers see the default.</summary>
    public void WriteInt64(int field, long value)
    {
        if (value == 0) return;
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    public void WriteUInt64(int field, ulong value)
    {
        if (value == 0) return;
        WriteTag(field, WireType.Varint);
        WriteVarint(value);
    }

    /// <summary>A string, written even when empty because repeated strings (the string table) need every entry.</summary>
    public void WriteString(int field, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)length);
        Reserve(length);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void WriteMessage(int field, ProtoWriter message)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)message._length);
        Reserve(message._length);
        message.Written.CopyTo(_buffer.AsSpan(_length));
        _length += message._length;
    }

    /// <summary>Appends fields another writer holds, e.g. a batch of repeated messages built apart.</summary>
    public void Append(ProtoWriter fields)
    {
        Reserve(fields._length);
        fields.Written.CopyTo(_buffer.AsSpan(_length));
        _length += fields._length;
    }

    /// <summary>A repeated integer field in packed form: one length prefix, then the varints.</summary>
    public void WritePacked(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty) return;
        var size = 0;
        foreach (var value in values) size += VarintSize((ulong)value);
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)size);
        foreach (var value in values) WriteVarint((ulong)value);
    }

    public void WritePacked(int field, ReadOnlySpan<ulong> values)
    {
        if (values.IsEmpty) return;
        var size = 0;
        foreach (var value in values) size += VarintSize(value);
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)size);
        foreach (var value in values) WriteVarint(value);
    }

    private void WriteTag(int field, WireType type) => WriteVarint(((ulong)field << 3) | (ulong)type);

    private void WriteVarint(ulong value)
    {
        Reserve(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    private void Reserve(int count)
    {
        if (_length + count <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
    }
}
