namespace Sonde.Formats.Pprof;

/// <summary>
/// Reads protobuf wire-format fields from a span. Every length is checked against the bytes that remain,
/// so a corrupt length fails with <see cref="InvalidDataException"/> instead of reading or allocating past the end.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Where the reader is, for messages kept as ranges and decoded later.</summary>
    public readonly int Position => _position;

    public (int Field, WireType Type) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field is 0 or > int.MaxValue) throw new InvalidDataException($"invalid field number {field} at byte {_position}");
        var type = (WireType)(tag & 7);
        if (type > WireType.Fixed32) throw new InvalidDataException($"invalid wire type {(int)type} at byte {_position}");
        return ((int)field, type);
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length) throw new InvalidDataException("a number runs past the end of its message (truncated?)");
            var b = _data[_position++];
            if (shift == 63 && b > 1) throw new InvalidDataException($"a number at byte {_position} does not fit in 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException($"a number at byte {_position} is longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>A length-delimited value: a nested message, a string, or packed numbers.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        var remaining = _data.Length - _position;
        if (length > (ulong)remaining)
            throw new InvalidDataException($"a field of {length} bytes at byte {_position} runs past the end of its message ({remaining} left; truncated?)");
        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    /// <summary>An integer field of a message, expecting the varint wire type.</summary>
    public long ReadInt64(WireType type, string what)
    {
        Expect(type, WireType.Varint, what);
        return ReadInt64();
    }

    public ReadOnlySpan<byte> ReadBytes(WireType type, string what)
    {
        Expect(type, WireType.LengthDelimited, what);
        return ReadBytes();
    }

    /// <summary>Skips a field this reader does not use.</summary>
    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {type} (protobuf groups) at byte {_position}");
        }
    }

    /// <summary>
    /// Appends every value of a repeated integer field to <paramref name="values"/>: packed (one
    /// length-delimited run) or not (one varint per field).
    /// </summary>
    public void ReadRepeated(WireType type, string what, List<ulong> values)
    {
        if (type == WireType.Varint)
        {
            values.Add(ReadVarint());
            return;
        }
        Expect(type, WireType.LengthDelimited, what);
        var packed = new ProtoReader(ReadBytes());
        while (!packed.AtEnd) values.Add(packed.ReadVarint());
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count) throw new InvalidDataException("a field runs past the end of its message (truncated?)");
        _position += count;
    }

    private readonly void Expect(WireType actual, WireType expected, string what)
    {
        if (actual != expected) throw new InvalidDataException($"{what} has wire type {(int)actual}, expected {(int)expected}");
    }
}

