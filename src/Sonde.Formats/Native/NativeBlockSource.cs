using System.Buffers.Binary;
using System.IO.Compression;

namespace Sonde.Formats.Native;

/// <summary>
/// Reads the blocks of a <c>.sonde</c> stream: checks each header's lengths against the caps and what is left,
/// the checksum, and the total expansion, then inflates. Reading stays in order on the caller's thread, but the
/// next few blocks are inflated on the thread pool while the caller decodes, so inflating (the slowest part)
/// uses every core and overlaps decoding.
/// </summary>
internal sealed class NativeBlockSource(Stream input) : IDisposable
{
    /// <summary>Real profiles deflate three- to tenfold; content growing beyond this is a decompression bomb.</summary>
    private const long MaxExpansion = 64;
    private const long ExpansionAllowance = 1 << 20;

    /// <summary>Blocks being inflated ahead of the one the caller decodes.</summary>
    private const int ReadAhead = 3;
    private const int ParallelInflateBytes = 64 << 10;

    private readonly Queue<Task<NativeBlock>> _pending = new();
    private bool _endReached;
    private long _offset;
    private long _storedTotal, _rawTotal;

    /// <summary>Complete blocks read so far.</summary>
    public int BlockCount { get; private set; }

    /// <summary>Why the blocks ended without an end block, once they have; null while reading or after a clean end.</summary>
    public string? Interruption { get; private set; }

    /// <summary>The sample count the end block gives, when the stream can seek to it and it is plausible.</summary>
    public long? DeclaredSampleCount { get; private set; }

    public void ReadFileHeader()
    {
        Span<byte> header = stackalloc byte[NativeFormat.HeaderLength];
        var got = input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < NativeFormat.Magic.Length || !header[..NativeFormat.Magic.Length].SequenceEqual(NativeFormat.Magic))
            throw new InvalidDataException("it does not start with the Sonde signature");
        if (got < header.Length) throw new InvalidDataException("the file is cut short inside its header");
        if (header[6] != NativeFormat.MajorVersion)
            throw new InvalidDataException($"it is format version {header[6]}.{header[7]}, and this Sonde reads version {NativeFormat.MajorVersion}.x; use a newer Sonde");
        _offset = NativeFormat.HeaderLength;
        if (input.CanSeek) DeclaredSampleCount = PeekEndBlock();
    }

    /// <summary>The next block, or null when there are no more (see <see cref="Interruption"/>).</summary>
    public NativeBlock? Next()
    {
        while (!_endReached && _pending.Count < ReadAhead)
        {
            var block = ReadBlock();
            if (block is null) _endReached = true;
            else
            {
                // Small blocks inflate faster than a thread-pool hop takes.
                _pending.Enqueue(block.Value.Compressed && block.Value.RawLength >= ParallelInflateBytes
                    ? Task.Run(block.Value.Inflate)
                    : Task.FromResult(block.Value.Inflate()));
                if (block.Value.Type == NativeBlockType.End) _endReached = true;
            }
        }
        return _pending.TryDequeue(out var next) ? next.GetAwaiter().GetResult() : null;
    }

    /// <summary>After the end block: anything more is an error, not a second profile.</summary>
    public void ExpectEndOfStream()
    {
        if (input.ReadByte() >= 0) throw new InvalidDataException($"data follows the end block at byte {_offset}");
    }

    /// <summary>Waits for blocks still being inflated and returns their buffers.</summary>
    public void Dispose()
    {
        while (_pending.TryDequeue(out var pending))
        {
            try
            {
                pending.GetAwaiter().GetResult().Dispose();
            }
            catch (InvalidDataException)
            {
                // Reading had already failed or stopped; a block read ahead no longer matters.
            }
        }
    }

    /// <summary>A block read and checked but not yet inflated.</summary>
    private readonly record struct StoredBlock(NativeBlockType Type, string Where, byte[] Payload, int StoredLength, int RawLength, bool Compressed)
    {
        public NativeBlock Inflate()
        {
            if (!Compressed) return new NativeBlock(Type, Where, Payload, RawLength);
            var content = ByteBuffer.Rent(RawLength);
            try
            {
                InflateInto(Where, Payload.AsSpan(0, StoredLength), content.AsSpan(0, RawLength));
                return new NativeBlock(Type, Where, content, RawLength);
            }
            catch
            {
                ByteBuffer.Return(content);
                throw;
            }
            finally
            {
                ByteBuffer.Return(Payload);
            }
        }
    }

    private StoredBlock? ReadBlock()
    {
        Span<byte> header = stackalloc byte[NativeFormat.BlockHeaderLength];
        var got = input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got == 0) return Stop($"the file has no end block (the recording was interrupted); read its {BlockCount} complete blocks");
        if (got < header.Length) return StopCutShort();
        var type = (NativeBlockType)header[0];
        var flags = header[1];
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(header[2..]);
        var raw = BinaryPrimitives.ReadUInt32LittleEndian(header[6..]);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[10..]);
        var where = $"block {BlockCount + 1} at byte {_offset}";
        CheckLengths(where, flags, stored, raw);
        if (input.CanSeek && stored > input.Length - input.Position) return StopCutShort();

        var payload = ByteBuffer.Rent((int)stored);
        var handedOver = false;
        try
        {
            if (input.ReadAtLeast(payload.AsSpan(0, (int)stored), (int)stored, throwOnEndOfStream: false) < stored) return StopCutShort();
            if (Crc32.Append(Crc32.Compute(header[..10]), payload.AsSpan(0, (int)stored)) != crc)
                throw new InvalidDataException($"{where} is corrupt (checksum mismatch)");
            _storedTotal += NativeFormat.BlockHeaderLength + stored;
            _rawTotal += raw;
            if (_rawTotal > MaxExpansion * _storedTotal + ExpansionAllowance)
                throw new InvalidDataException($"{where} expands far more than any profile does");
            _offset += NativeFormat.BlockHeaderLength + stored;
            BlockCount++;
            handedOver = true;
            return new StoredBlock(type, where, payload, (int)stored, (int)raw, (flags & NativeFormat.FlagDeflate) != 0);
        }
        finally
        {
            if (!handedOver) ByteBuffer.Return(payload);
        }
    }

    private StoredBlock? StopCutShort() =>
        Stop($"ignored a block cut short at byte {_offset} (the recording was interrupted); read {BlockCount} complete blocks");

    private StoredBlock? Stop(string why)
    {
        Interruption = why;
        return null;
    }

    private static void CheckLengths(string where, byte flags, uint stored, uint raw)
    {
        if ((flags & ~NativeFormat.FlagDeflate) != 0) throw new InvalidDataException($"{where} has unknown flags 0x{flags:x2}");
        if (stored > NativeFormat.MaxStoredLength) throw new InvalidDataException($"{where} claims {stored} bytes, more than a block may hold");
        if (raw > NativeFormat.MaxRawLength) throw new InvalidDataException($"{where} claims {raw} bytes of content, more than a block may hold");
        var compressed = (flags & NativeFormat.FlagDeflate) != 0;
        if (!compressed && raw != stored) throw new InvalidDataException($"{where}: stored and content lengths differ in an uncompressed block");
        if (compressed && raw > (ulong)stored * NativeFormat.MaxDeflateRatio + 64)
            throw new InvalidDataException($"{where} claims more content than {stored} compressed bytes can hold");
    }

    private static unsafe void InflateInto(string where, ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        fixed (byte* pointer = stored)
        {
            using var source = new UnmanagedMemoryStream(pointer, stored.Length);
            using var inflater = new DeflateStream(source, CompressionMode.Decompress);
            if (inflater.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) != destination.Length || inflater.ReadByte() >= 0)
                throw new InvalidDataException($"{where}: the content is not the length its header gives");
        }
    }

    /// <summary>
    /// A finished file ends with a fixed-size end block holding the sample count. It is only a hint for sizing,
    /// so anything wrong with it (or a file without it) just means no hint.
    /// </summary>
    private long? PeekEndBlock()
    {
        const int length = NativeFormat.BlockHeaderLength + NativeFormat.EndContentLength;
        var start = input.Position;
        if (input.Length - start < length) return null;
        Span<byte> tail = stackalloc byte[length];
        try
        {
            input.Position = input.Length - length;
            if (input.ReadAtLeast(tail, length, throwOnEndOfStream: false) < length) return null;
        }
        finally
        {
            input.Position = start;
        }
        if (tail[0] != (byte)NativeBlockType.End || tail[1] != 0 ||
            BinaryPrimitives.ReadUInt32LittleEndian(tail[2..]) != NativeFormat.EndContentLength ||
            BinaryPrimitives.ReadUInt32LittleEndian(tail[6..]) != NativeFormat.EndContentLength ||
            Crc32.Append(Crc32.Compute(tail[..10]), tail[NativeFormat.BlockHeaderLength..]) != BinaryPrimitives.ReadUInt32LittleEndian(tail[10..]))
            return null;
        var count = BinaryPrimitives.ReadInt64LittleEndian(tail[NativeFormat.BlockHeaderLength..]);
        // Every sample takes at least four bytes of content, and content is capped by the expansion limit.
        var plausible = (MaxExpansion * input.Length + ExpansionAllowance) / 4;
        return count >= 0 && count <= plausible && count <= int.MaxValue ? count : null;
    }
}
