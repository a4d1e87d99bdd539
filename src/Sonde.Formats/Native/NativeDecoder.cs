using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Sonde.Profiles;

namespace Sonde.Formats.Native;

/// <summary>The state of reading one <c>.sonde</c> stream: the ids the file has defined so far, mapped to the model's.</summary>
internal sealed class NativeDecoder(Stream input)
{
    private const int MaxWeightTypes = 64;

    private readonly List<string> _strings = [];
    private readonly List<int> _frames = [];
    private readonly List<int> _stacks = [];
    private readonly List<int> _threads = [];
    private Profile? _profile;
    private long _offset;
    private long _lastTimestamp;
    private int _blocks;

    public Profile Decode()
    {
        ReadFileHeader();
        string? recovered = null;
        var closed = false;
        var header = new byte[NativeFormat.BlockHeaderLength];
        while (!closed)
        {
            var got = input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (got == 0)
            {
                recovered = $"the file has no end block (the recording was interrupted); read its {_blocks} complete blocks";
                break;
            }
            if (got < header.Length)
            {
                recovered = $"ignored a block cut short at byte {_offset} (the recording was interrupted); read {_blocks} complete blocks";
                break;
            }
            var type = (NativeBlockType)header[0];
            var flags = header[1];
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(2));
            var raw = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(6));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(10));
            var where = $"block {_blocks + 1} at byte {_offset}";
            CheckLengths(where, flags, stored, raw);
            if (input.CanSeek && stored > input.Length - input.Position)
            {
                recovered = $"ignored a block cut short at byte {_offset} (the recording was interrupted); read {_blocks} complete blocks";
                break;
            }

            var payload = ByteBuffer.Rent((int)stored);
            try
            {
                if (input.ReadAtLeast(payload.AsSpan(0, (int)stored), (int)stored, throwOnEndOfStream: false) < stored)
                {
                    recovered = $"ignored a block cut short at byte {_offset} (the recording was interrupted); read {_blocks} complete blocks";
                    break;
                }
                if (Crc32.Append(Crc32.Compute(header.AsSpan(0, 10)), payload.AsSpan(0, (int)stored)) != crc)
                    throw new InvalidDataException($"{where} is corrupt (checksum mismatch)");
                if (_profile is null && type != NativeBlockType.Metadata)
                    throw new InvalidDataException($"{where}: the first block must hold the metadata");
                closed = type == NativeBlockType.End;
                DecodeBlock(type, where, (flags & NativeFormat.FlagDeflate) != 0, payload.AsSpan(0, (int)stored), (int)raw);
            }
            finally
            {
                ByteBuffer.Return(payload);
            }
            _offset += NativeFormat.BlockHeaderLength + stored;
            _blocks++;
        }

        if (closed && input.ReadByte() >= 0) throw new InvalidDataException($"data follows the end block at byte {_offset}");
        if (_profile is null) throw new InvalidDataException("the file ends before its first block; the recording stopped before it wrote anything");
        if (recovered is not null)
        {
            _profile.Metadata.Properties[NativeReader.RecoveredProperty] = recovered;
            if (_profile.Metadata.Duration == TimeSpan.Zero && _lastTimestamp > 0) _profile.Metadata.Duration = TimeSpan.FromTicks(_lastTimestamp / 100);
        }
        return _profile;
    }

    private void ReadFileHeader()
    {
        Span<byte> header = stackalloc byte[NativeFormat.HeaderLength];
        var got = input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < NativeFormat.Magic.Length || !header[..NativeFormat.Magic.Length].SequenceEqual(NativeFormat.Magic))
            throw new InvalidDataException("it does not start with the Sonde signature");
        if (got < header.Length) throw new InvalidDataException("the file is cut short inside its header");
        if (header[6] != NativeFormat.MajorVersion)
            throw new InvalidDataException($"it is format version {header[6]}.{header[7]}, and this Sonde reads version {NativeFormat.MajorVersion}.x; use a newer Sonde");
        _offset = NativeFormat.HeaderLength;
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

    private void DecodeBlock(NativeBlockType type, string where, bool compressed, ReadOnlySpan<byte> stored, int rawLength)
    {
        byte[]? inflated = null;
        try
        {
            var content = stored;
            if (compressed)
            {
                inflated = ByteBuffer.Rent(rawLength);
                Inflate(where, stored, inflated.AsSpan(0, rawLength));
                content = inflated.AsSpan(0, rawLength);
            }
            var reader = new ByteReader(content, $"{where} ({type.ToString().ToLowerInvariant()})");
            switch (type)
            {
                case NativeBlockType.Metadata: DecodeMetadata(ref reader); break;
                case NativeBlockType.Frames: DecodeFrames(ref reader); break;
                case NativeBlockType.Stacks: DecodeStacks(ref reader); break;
                case NativeBlockType.Threads: DecodeThreads(ref reader); break;
                case NativeBlockType.Samples: DecodeSamples(ref reader); break;
                case NativeBlockType.End: break;
                // A newer minor version may add block types; they are skipped, their checksum already checked.
                default: return;
            }
            reader.ExpectEnd();
        }
        finally
        {
            if (inflated is not null) ByteBuffer.Return(inflated);
        }
    }

    private static unsafe void Inflate(string where, ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        fixed (byte* pointer = stored)
        {
            using var source = new UnmanagedMemoryStream(pointer, stored.Length);
            using var inflater = new DeflateStream(source, CompressionMode.Decompress);
            if (inflater.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false) != destination.Length || inflater.ReadByte() >= 0)
                throw new InvalidDataException($"{where}: the content is not the length its header gives");
        }
    }

    private void DecodeMetadata(ref ByteReader reader)
    {
        var types = NativeMetadata.DecodeWeightTypes(ref reader);
        if (types.Length > MaxWeightTypes) throw new InvalidDataException($"the metadata declares {types.Length} weight types, more than {MaxWeightTypes}");
        if (_profile is null) _profile = new Profile(types);
        else if (!_profile.WeightTypes.SequenceEqual(types)) throw new InvalidDataException("a later metadata block changes the weight types");
        NativeMetadata.DecodePairs(ref reader, _profile.Metadata);
    }

    private void DecodeFrames(ref ByteReader reader)
    {
        var profile = _profile!;
        var count = reader.ReadCount(minBytesEach: 5);
        for (var i = 0; i < count; i++)
        {
            var function = ReadStringRef(ref reader);
            var file = ReadStringRef(ref reader);
            var firstLine = ReadLine(ref reader);
            var line = ReadLine(ref reader);
            var kind = reader.ReadByte();
            if (kind > (byte)FrameKind.Truncated) throw new InvalidDataException($"frame {_frames.Count} has unknown kind {kind}");
            _frames.Add(profile.Frames.Intern(new Frame(function, file, firstLine, line, (FrameKind)kind)));
        }
    }

    private string ReadStringRef(ref ByteReader reader)
    {
        var id = reader.ReadInt(max: _strings.Count);
        if (id == _strings.Count) _strings.Add(reader.ReadString());
        return _strings[id];
    }

    private static int ReadLine(ref ByteReader reader)
    {
        var line = reader.ReadSigned();
        if (line is < int.MinValue or > int.MaxValue) throw new InvalidDataException($"line number {line} is out of range");
        return (int)line;
    }

    private void DecodeStacks(ref ByteReader reader)
    {
        var stacks = _profile!.Stacks;
        var count = reader.ReadCount(minBytesEach: 2);
        for (var i = 0; i < count; i++)
        {
            var id = _stacks.Count;
            var back = reader.ReadVarint();
            if (back == 0 || back > (ulong)id + 1) throw new InvalidDataException($"stack {id} names a parent that does not come before it");
            var parent = id - (long)back;
            var frame = reader.ReadVarint();
            if (frame >= (ulong)_frames.Count) throw new InvalidDataException($"stack {id} names frame {frame}, but only {_frames.Count} are defined");
            _stacks.Add(stacks.Intern(parent < 0 ? StackTable.Root : _stacks[(int)parent], _frames[(int)frame]));
        }
    }

    private void DecodeThreads(ref ByteReader reader)
    {
        var profile = _profile!;
        var count = reader.ReadCount(minBytesEach: 4);
        for (var i = 0; i < count; i++)
        {
            var index = reader.ReadInt(max: _threads.Count);
            var processId = reader.ReadInt();
            var threadId = reader.ReadSigned();
            var name = reader.ReadString();
            var modelIndex = profile.ThreadIndex(processId, threadId, name);
            if (index == _threads.Count) _threads.Add(modelIndex);
            else _threads[index] = modelIndex;
        }
    }

    /// <summary>The hot path: columns are read side by side, each through its own cursor, without allocating per sample.</summary>
    private void DecodeSamples(ref ByteReader reader)
    {
        var profile = _profile!;
        var width = profile.WeightTypes.Count;
        var count = reader.ReadCount(minBytesEach: 3 + width);
        Span<int> lengths = stackalloc int[3 + width];
        long weightBytes = 0;
        for (var c = 0; c < lengths.Length; c++)
        {
            lengths[c] = reader.ReadInt(max: reader.Remaining);
            if (c >= 3) weightBytes += lengths[c];
        }
        var times = reader.Slice(lengths[0], "timestamps");
        var stackIds = reader.Slice(lengths[1], "stack ids");
        var threadIndexes = reader.Slice(lengths[2], "thread indexes");
        if (weightBytes > reader.Remaining) throw new InvalidDataException("the weight columns run past the end of the block");
        var weightColumns = reader.ReadBytes((int)weightBytes);
        Span<int> cursors = stackalloc int[width];
        Span<int> ends = stackalloc int[width];
        for (int w = 0, start = 0; w < width; start += lengths[3 + w], w++)
        {
            cursors[w] = start;
            ends[w] = start + lengths[3 + w];
        }

        Span<long> weights = stackalloc long[width];
        var stacks = CollectionsMarshal.AsSpan(_stacks);
        var threads = CollectionsMarshal.AsSpan(_threads);
        long time = 0;
        for (var i = 0; i < count; i++)
        {
            time += times.ReadSigned();
            var stack = stackIds.ReadVarint();
            if (stack > (ulong)stacks.Length) throw new InvalidDataException($"sample {i} names stack {(long)stack - 1}, but only {stacks.Length} are defined");
            var thread = threadIndexes.ReadVarint();
            if (thread >= (ulong)threads.Length) throw new InvalidDataException($"sample {i} names thread {thread}, but only {threads.Length} are defined");
            for (var w = 0; w < width; w++) weights[w] += Varint.ReadSigned(weightColumns, ref cursors[w], ends[w]);
            profile.AddSample(stack == 0 ? StackTable.Root : stacks[(int)stack - 1], threads[(int)thread], time, weights);
        }
        times.ExpectEnd();
        stackIds.ExpectEnd();
        threadIndexes.ExpectEnd();
        for (var w = 0; w < width; w++)
            if (cursors[w] != ends[w]) throw new InvalidDataException($"weight column {w} holds more values than there are samples");
        if (count > 0) _lastTimestamp = Math.Max(_lastTimestamp, time);
    }
}
