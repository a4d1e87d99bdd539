namespace Sonde.Formats.Native;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum zlib and PNG use. Written here because
/// System.IO.Hashing is not part of the shared framework. Slicing-by-4 keeps it fast enough that checking every
/// block costs little next to decompressing it.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] _table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC over more data; start with 0.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var table = _table;
        crc = ~crc;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            crc ^= (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            crc = table[768 + (crc & 0xFF)] ^ table[512 + ((crc >> 8) & 0xFF)] ^ table[256 + ((crc >> 16) & 0xFF)] ^ table[crc >> 24];
        }
        for (; i < data.Length; i++) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>Four 256-entry tables: entry k of table t is the CRC of byte k followed by t zero bytes.</summary>
    private static uint[] BuildTable()
    {
        var table = new uint[1024];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        for (var n = 0; n < 256; n++)
            for (var t = 1; t < 4; t++)
                table[t * 256 + n] = table[(t - 1) * 256 + n] >> 8 ^ table[table[(t - 1) * 256 + n] & 0xFF];
        return table;
    }
}
