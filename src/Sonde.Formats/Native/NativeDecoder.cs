using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sonde.Profiles;
using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Lines;

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
    private long? _declaredSamples;
    private long _lastTimestamp;

    public Profile Decode()
    {
        using var blocks = new NativeBlockSource(input);
        blocks.ReadFileHeader();
        _declaredSamples = blocks.DeclaredSampleCount;
        var closed = false;
        while (!closed && blocks.Next() is { } block)
        {
            using (block)
            {
                if (_profile is null && block.Type != NativeBlockType.Metadata)
                    throw new InvalidDataException($"{block.Where}: the first block must hold the metadata");
                closed = block.Type == NativeBlockType.End;
                DecodeBlock(block);
            }
        }
        if (closed) blocks.ExpectEndOfStream();
        if (_profile is null) throw new InvalidDataException("the file ends before its first block; the recording stopped before it wrote anything");
        if (!closed)
        {
            _profile.Metadata.Properties[NativeReader.RecoveredProperty] = blocks.Interruption!;
            if (_profile.Metadata.Duration == TimeSpan.Zero && _lastTimestamp > 0) _profile.Metadata.Duration = TimeSpan.FromTicks(_lastTimestamp / 100);
        }
        return _profile;
    }

    private void DecodeBlock(NativeBlock block)
    {
        var reader = new ByteReader(block.Content, $"{block.Where} ({block.Type.ToString().ToLowerInvariant()})");
        switch (block.Type)
        {
            case NativeBlockType.Metadata: DecodeMetadata(ref reader); break;
            case NativeBlockType.Frames: DecodeFrames(ref reader); break;
            case NativeBlockType.Stacks: DecodeStacks(ref reader); break;
            case NativeBlockType.Threads: DecodeThreads(ref reader); break;
            case NativeBlockType.Samples: DecodeSamples(ref reader); break;
            case NativeBlockType.End: CheckSampleCount(ref reader); break;
            case NativeBlockType.CallGraph: DecodeCallGraph(ref reader); break;
            case NativeBlockType.LineTimings: DecodeLineTimings(ref reader); break;
            case NativeBlockType.ThreadStates: DecodeThreadStates(ref reader); break;
            case NativeBlockType.Memory: _profile!.Memory = NativeMemoryBlock.Decode(ref reader, _stacks); break;
            // A newer minor version may add block types; they are skipped, their checksum already checked.
            default: return;
        }
        reader.ExpectEnd();
    }

    private void CheckSampleCount(ref ByteReader reader)
    {
        var declared = BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(NativeFormat.EndContentLength));
        if (declared != _profile!.SampleCount)
            throw new InvalidDataException($"the end block counts {declared} samples, but the file holds {_profile.SampleCount}");
    }

    private void DecodeMetadata(ref ByteReader reader)
    {
        var types = NativeMetadata.DecodeWeightTypes(ref reader);
        if (types.Length > MaxWeightTypes) throw new InvalidDataException($"the metadata declares {types.Length} weight types, more than {MaxWeightTypes}");
        if (_profile is null)
        {
            _profile = new Profile(types);
            if (_declaredSamples is { } samples) _profile.EnsureSampleCapacity((int)samples);
        }
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

    /// <summary>A thread's graph joins <see cref="Profile.ThreadCallGraphs"/> and is added into the whole graph.</summary>
    private void DecodeCallGraph(ref ByteReader reader)
    {
        var profile = _profile!;
        var thread = reader.ReadInt(max: _threads.Count);
        var keys = new FunctionKey[reader.ReadCount(minBytesEach: 8)];
        var graph = new CallGraphData();
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ReadFunctionKey(ref reader);
            graph.Add(new FunctionCallStats(keys[i], reader.ReadSigned(), reader.ReadSigned(), reader.ReadSigned(), reader.ReadSigned()));
        }
        var edges = reader.ReadCount(minBytesEach: 6);
        for (var i = 0; i < edges; i++)
        {
            var caller = reader.ReadInt(max: keys.Length - 1);
            var callee = reader.ReadInt(max: keys.Length - 1);
            graph.Add(new CallEdge(keys[caller], keys[callee], reader.ReadSigned(), reader.ReadSigned(), reader.ReadSigned(), reader.ReadSigned()));
        }
        profile.CallGraph ??= new CallGraphData();
        AddInto(profile.CallGraph, graph);
        if (thread == 0) return;
        var modelThread = _threads[thread - 1];
        if (profile.ThreadCallGraphs.TryGetValue(modelThread, out var existing)) AddInto(existing, graph);
        else profile.ThreadCallGraphs.Add(modelThread, graph);
    }

    private static void AddInto(CallGraphData target, CallGraphData source)
    {
        foreach (var function in source.Functions) target.Add(function);
        foreach (var edge in source.Edges) target.Add(edge);
    }

    private void DecodeLineTimings(ref ByteReader reader)
    {
        var profile = _profile!;
        var count = reader.ReadCount(minBytesEach: 7);
        for (var i = 0; i < count; i++)
        {
            var thread = reader.ReadSigned();
            if (thread < -1 || thread >= _threads.Count) throw new InvalidDataException($"line timings name thread {thread}, but only {_threads.Count} are defined");
            var function = ReadFunctionKey(ref reader);
            var lines = new LineTiming[reader.ReadCount(minBytesEach: 3)];
            for (var l = 0; l < lines.Length; l++) lines[l] = new LineTiming(ReadLine(ref reader), reader.ReadSigned(), reader.ReadSigned());
            var source = new string[reader.ReadCount(minBytesEach: 1)];
            for (var s = 0; s < source.Length; s++) source[s] = reader.ReadString();
            profile.LineTimings ??= new LineTimingData();
            profile.LineTimings.Add(new FunctionLineTimings(function, thread < 0 ? -1 : _threads[(int)thread], lines, source));
        }
    }

    private FunctionKey ReadFunctionKey(ref ByteReader reader)
    {
        var function = ReadStringRef(ref reader);
        var file = ReadStringRef(ref reader);
        var firstLine = ReadLine(ref reader);
        var kind = reader.ReadByte();
        if (kind > (byte)FrameKind.Truncated) throw new InvalidDataException($"a function has unknown kind {kind}");
        return new FunctionKey(function, file, firstLine, (FrameKind)kind);
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

    /// <summary>
    /// The hot path. Each column is decoded in a loop of its own into pooled arrays, checking every index against
    /// what the file has defined, and the block is then added to the profile in one call.
    /// </summary>
    private void DecodeSamples(ref ByteReader reader)
    {
        var profile = _profile!;
        var width = profile.WeightTypes.Count;
        var count = reader.ReadCount(minBytesEach: 3 + width);
        if (count > NativeFormat.MaxSamplesPerBlock) throw new InvalidDataException($"the block holds {count} samples, more than {NativeFormat.MaxSamplesPerBlock}");
        var distinct = reader.ReadCount(minBytesEach: 1);
        if (distinct > count) throw new InvalidDataException($"the block lists {distinct} stacks for {count} samples");

        var dictionary = ArrayPool<int>.Shared.Rent(distinct);
        var stackIds = ArrayPool<int>.Shared.Rent(count);
        var threadIndexes = ArrayPool<int>.Shared.Rent(count);
        var timestamps = ArrayPool<long>.Shared.Rent(count);
        var weights = ArrayPool<long>.Shared.Rent(count * width);
        try
        {
            var stacks = CollectionsMarshal.AsSpan(_stacks);
            for (var j = 0; j < distinct; j++)
            {
                var stack = reader.ReadVarint();
                if (stack > (ulong)stacks.Length) throw new InvalidDataException($"the block names stack {(long)stack - 1}, but only {stacks.Length} are defined");
                dictionary[j] = stack == 0 ? StackTable.Root : stacks[(int)stack - 1];
            }
            Span<int> lengths = stackalloc int[3 + width];
            for (var c = 0; c < lengths.Length; c++) lengths[c] = reader.ReadInt(max: reader.Remaining);

            var time = DecodeDeltas(reader.ReadBytes(lengths[0]), timestamps.AsSpan(0, count), 1, 0, "timestamps");
            DecodeIndexes(reader.ReadBytes(lengths[1]), stackIds.AsSpan(0, count), dictionary.AsSpan(0, distinct), "stacks");
            DecodeIndexes(reader.ReadBytes(lengths[2]), threadIndexes.AsSpan(0, count), CollectionsMarshal.AsSpan(_threads), "threads");
            for (var w = 0; w < width; w++)
                DecodeDeltas(reader.ReadBytes(lengths[3 + w]), weights.AsSpan(0, count * width), width, w, $"weight column {w}");

            profile.AddSamples(stackIds.AsSpan(0, count), threadIndexes.AsSpan(0, count), timestamps.AsSpan(0, count), weights.AsSpan(0, count * width));
            if (count > 0) _lastTimestamp = Math.Max(_lastTimestamp, time);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(dictionary);
            ArrayPool<int>.Shared.Return(stackIds);
            ArrayPool<int>.Shared.Return(threadIndexes);
            ArrayPool<long>.Shared.Return(timestamps);
            ArrayPool<long>.Shared.Return(weights);
        }
    }

    private void DecodeThreadStates(ref ByteReader reader)
    {
        var profile = _profile!;
        var first = reader.ReadInt(max: profile.SampleCount);
        var count = reader.ReadInt(max: profile.SampleCount - first);
        var bytes = reader.ReadBytes(count);
        var states = ArrayPool<SampleState>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (bytes[i] > (byte)SampleState.HoldingGil) throw new InvalidDataException($"sample {first + i} has thread state {bytes[i]}, which no Sonde writes");
                states[i] = (SampleState)bytes[i];
            }
            profile.SetThreadStates(first, states.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<SampleState>.Shared.Return(states);
        }
    }

    /// <summary>Indexes, each looked up in <paramref name="map"/>; an index past its end is corrupt.</summary>
    private static void DecodeIndexes(ReadOnlySpan<byte> column, Span<int> destination, ReadOnlySpan<int> map, string what)
    {
        var position = 0;
        for (var i = 0; i < destination.Length; i++)
        {
            var index = NextVarint(column, ref position, what);
            if (index >= (ulong)map.Length) throw new InvalidDataException($"the {what} column names {what[..^1]} {index}, but only {map.Length} are defined");
            destination[i] = map[(int)index];
        }
        if (position != column.Length) throw new InvalidDataException($"the {what} column holds more values than there are samples");
    }

    /// <summary>Zigzag deltas, summed into every <paramref name="stride"/>th slot from <paramref name="offset"/>; returns the last value.</summary>
    private static long DecodeDeltas(ReadOnlySpan<byte> column, Span<long> destination, int stride, int offset, string what)
    {
        var position = 0;
        long value = 0;
        for (var i = offset; i < destination.Length; i += stride)
        {
            var raw = NextVarint(column, ref position, what);
            value += (long)(raw >> 1) ^ -(long)(raw & 1);
            destination[i] = value;
        }
        if (position != column.Length) throw new InvalidDataException($"the {what} column holds more values than there are samples");
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NextVarint(ReadOnlySpan<byte> column, ref int position, string what)
    {
        if ((uint)position < (uint)column.Length)
        {
            var b = column[position];
            if (b < 0x80)
            {
                position++;
                return b;
            }
        }
        return NextVarintSlow(column, ref position, what);
    }

    private static ulong NextVarintSlow(ReadOnlySpan<byte> column, ref int position, string what)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)position >= (uint)column.Length) throw new InvalidDataException($"the {what} column ends in the middle of a value");
            var b = column[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException($"the {what} column holds a number that is too large");
    }
}
