namespace Sonde.Formats.Native;

/// <summary>Varint reads at a cursor, for columns read side by side where a <see cref="ByteReader"/> per column won't fit.</summary>
internal static class Varint
{
    /// <summary>Reads a zigzag varint at <paramref name="position"/>, which must stay before <paramref name="end"/>.</summary>
    public static long ReadSigned(ReadOnlySpan<byte> data, ref int position, int end)
    {
        ulong raw = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (position >= end || shift > 63) throw new InvalidDataException("a weight column ends in the middle of a value");
            var b = data[position++];
            raw |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) break;
        }
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }
}
