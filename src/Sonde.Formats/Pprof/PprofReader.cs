using System.Buffers.Binary;
using System.IO.Compression;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Pprof;

/// <summary>
/// Reads pprof profiles (profile.proto), gzipped as pprof tools write them or raw. Each location line becomes
/// a frame (inlined calls too), the <c>thread</c>, <c>thread_id</c> and <c>pid</c> labels become the thread,
/// and pprof keeps no sample times, so every sample has timestamp 0.
/// </summary>
public sealed class PprofReader : IProfileReader
{
    /// <summary>The largest decompressed message read; bigger (or a gzip bomb) is refused before it fills memory.</summary>
    public const int MaxMessageBytes = 128 << 20;

    public string FormatName => "pprof";

    public bool Recognizes(ReadOnlySpan<byte> head)
    {
        if (!IsGzip(head)) return LooksLikeProfile(head);
        try
        {
            using var gzip = new GZipStream(new MemoryStream(head.ToArray()), CompressionMode.Decompress);
            var start = new byte[16];
            return LooksLikeProfile(start.AsSpan(0, gzip.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    public Profile Read(Stream input, string displayName)
    {
        try
        {
            var raw = ReadCapped(input, MaxMessageBytes, "the file");
            if (!IsGzip(raw.AsSpan())) return PprofDecoder.Decode(raw.Array, raw.Length);
            var message = Gunzip(raw);
            return PprofDecoder.Decode(message.Array, message.Length);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new BadInputException($"'{displayName.ReplaceLineEndings(" ")}' is not a valid pprof file: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    private static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0x1F && data[1] == 0x8B && data[2] == 8;

    /// <summary>
    /// Every profile.proto writer we know starts with a sample type: field 1, a short message whose first
    /// field is the type (1) or the unit (2). Text formats cannot start with those bytes.
    /// </summary>
    private static bool LooksLikeProfile(ReadOnlySpan<byte> start) =>
        start.Length >= 2 && start[0] == 0x0A && (start[1] == 0 || (start[1] < 0x80 && start.Length >= 3 && start[2] is 0x08 or 0x10));

    private static Bytes Gunzip(Bytes raw)
    {
        using var gzip = new GZipStream(new MemoryStream(raw.Array, 0, raw.Length), CompressionMode.Decompress);
        var message = ReadCapped(gzip, MaxMessageBytes, "its decompressed contents");
        // .NET stops quietly at the end of a truncated deflate stream, so the size in the gzip trailer is what
        // tells a complete file from a cut one. (A file of several gzip members is checked by its last one.)
        if (raw.Length < 18) throw new InvalidDataException("the gzip data is truncated");
        var declared = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan()[^4..]);
        if (declared != (uint)message.Length)
            throw new InvalidDataException($"the gzip data is truncated or corrupt (its trailer says {declared} bytes, it holds {message.Length})");
        return message;
    }

    private static Bytes ReadCapped(Stream stream, int cap, string what)
    {
        var buffer = new byte[1 << 16];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length >= cap) throw new InvalidDataException($"{what} is larger than {cap >> 20} MiB, the most Sonde reads as pprof");
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, cap + 1L));
            }
            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0) return new Bytes(buffer, length);
            length += read;
        }
    }

    private readonly record struct Bytes(byte[] Array, int Length)
    {
        public ReadOnlySpan<byte> AsSpan() => Array.AsSpan(0, Length);
    }
}
