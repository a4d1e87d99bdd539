using System.Buffers.Binary;
using System.Text;

namespace Sonde.Agent.Tests.Support;

/// <summary>Builds payloads field by field, little-endian, as the Python agent writes them.</summary>
internal sealed class PayloadBuilder
{
    private readonly List<byte> _bytes = [];

    public PayloadBuilder U8(int value) { _bytes.Add((byte)value); return this; }
    public PayloadBuilder U16(int value) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value); _bytes.AddRange(b); return this; }
    public PayloadBuilder I32(int value) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, value); _bytes.AddRange(b); return this; }
    public PayloadBuilder U32(uint value) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, value); _bytes.AddRange(b); return this; }
    public PayloadBuilder I64(long value) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, value); _bytes.AddRange(b); return this; }

    public PayloadBuilder Doubles(params double[] values)
    {
        U32((uint)values.Length);
        Span<byte> b = stackalloc byte[8];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(b, value);
            _bytes.AddRange(b);
        }
        return this;
    }

    public PayloadBuilder String(string value)
    {
        var data = Encoding.UTF8.GetBytes(value);
        U32((uint)data.Length);
        _bytes.AddRange(data);
        return this;
    }

    public byte[] Build() => _bytes.ToArray();

    /// <summary>A whole frame: kind, length, payload.</summary>
    public byte[] Frame(int kind) => new PayloadBuilder().U8(kind).U32((uint)_bytes.Count).Build().Concat(_bytes).ToArray();
}
