using System.Buffers.Binary;
using System.IO.Compression;
using Sonde.Formats.Native;

namespace Sonde.Formats.Tests.Fuzz;

/// <summary>
/// Takes a <c>.sonde</c> file apart into its blocks' contents and puts it back together with valid checksums, so
/// the fuzzer can corrupt what is inside a block and reach the decoders, not just the checksum test.
/// </summary>
internal static class NativeBlocks
{
    public sealed record Block(byte Type, byte[] Content);

    public static List<Block> Parse(byte[] file)
    {
        var blocks = new List<Block>();
        var offset = NativeFormat.HeaderLength;
        while (offset + NativeFormat.BlockHeaderLength <= file.Length)
        {
            var flags = file[offset + 1];
            var stored = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 2));
            var payload = file.AsSpan(offset + NativeFormat.BlockHeaderLength, stored).ToArray();
            var content = payload;
            if ((flags & NativeFormat.FlagDeflate) != 0)
            {
                using var inflater = new DeflateStream(new MemoryStream(payload), CompressionMode.Decompress);
                using var output = new MemoryStream();
                inflater.CopyTo(output);
                content = output.ToArray();
            }
            blocks.Add(new Block(file[offset], content));
            offset += NativeFormat.BlockHeaderLength + stored;
        }
        return blocks;
    }

    /// <summary>The file for these blocks, each stored uncompressed or compressed as <paramref name="compress"/> says.</summary>
    public static byte[] Build(IEnumerable<Block> blocks, bool compress)
    {
        using var output = new MemoryStream();
        output.Write(NativeFormat.Magic);
        output.WriteByte(NativeFormat.MajorVersion);
        output.WriteByte(NativeFormat.MinorVersion);
        Span<byte> header = stackalloc byte[NativeFormat.BlockHeaderLength];
        foreach (var block in blocks)
        {
            var payload = block.Content;
            if (compress)
            {
                using var compressed = new MemoryStream();
                using (var deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(block.Content);
                payload = compressed.ToArray();
            }
            header[0] = block.Type;
            header[1] = compress ? NativeFormat.FlagDeflate : (byte)0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[2..], (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[6..], (uint)block.Content.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[10..], Crc32.Append(Crc32.Compute(header[..10]), payload));
            output.Write(header);
            output.Write(payload);
        }
        return output.ToArray();
    }
}
