using System.Buffers.Binary;
using System.Text;

namespace Sonde.Agent.Protocol;

/// <summary>Reads the little-endian fields of one frame's payload, refusing to read past its end.</summary>
internal ref struct PayloadReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _offset;

    public int Remaining => _payload.Length - _offset;

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>A u32 length and that many bytes of UTF-8.</summary>
    public string String()
    {
        var length = U32();
        if (length > Remaining) throw new AgentProtocolException($"a string of {length} bytes overruns its frame");
        return Encoding.UTF8.GetString(Take((int)length));
    }

    /// <summary>A count of items of <paramref name="size"/> bytes each, checked against what is left.</summary>
    public int Count(int size)
    {
        var count = U32();
        if (count > (ulong)Remaining / (ulong)size) throw new AgentProtocolException($"{count} items of {size} bytes overrun their frame");
        return (int)count;
    }

    public double[] Doubles(int count)
    {
        var values = new double[count];
        var bytes = Take(count * 8);
        for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
        return values;
    }

    public long[] Int64s(int count)
    {
        var values = new long[count];
        var bytes = Take(count * 8);
        for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
        return values;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining) throw new AgentProtocolException("a frame ended in the middle of a field");
        var span = _payload.Slice(_offset, count);
        _offset += count;
        return span;
    }
}
