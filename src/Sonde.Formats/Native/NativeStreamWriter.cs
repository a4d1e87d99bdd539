using System.Buffers.Binary;
using System.IO.Compression;
using Sonde.Profiles;
using Sonde.Profiles.CallGraph;

namespace Sonde.Formats.Native;

/// <summary>
/// Writes a profile to a <c>.sonde</c> stream a piece at a time: each <see cref="Append"/> adds blocks for only
/// what is new since the last call (frames, stacks, threads, samples, changed metadata) and flushes, so a
/// recording that is killed keeps everything up to its last append. <see cref="Complete"/> adds the final
/// metadata and the end block. Not thread-safe: one caller appends at a time.
/// </summary>
public sealed class NativeStreamWriter
{
    /// <summary>Small enough that a reader can inflate one block while it decodes the one before.</summary>
    private const int SamplesPerBlock = 1 << 18;
    private const int MinCompressibleBytes = 64;

    private readonly Stream _output;
    private readonly bool _durable;
    private readonly Dictionary<string, int> _stringIds = new(StringComparer.Ordinal);
    private readonly List<ThreadInfo> _threadsWritten = [];
    private readonly MemoryStream _compressed = new();
    private IReadOnlyList<WeightType>? _weightTypes;
    private byte[]? _lastMetadata;
    private int _framesWritten, _stacksWritten, _samplesWritten;
    private bool _headerWritten, _completed;

    /// <param name="output">Left open; written from its current position.</param>
    /// <param name="durable">After each append, also ask the OS to put the bytes on disk (fsync), not only in its cache.</param>
    public NativeStreamWriter(Stream output, bool durable = false)
    {
        _output = output;
        _durable = durable;
    }

    /// <summary>
    /// Writes what is new in <paramref name="profile"/> since the last call. When <paramref name="syncRoot"/> is
    /// given it is locked while the new parts are copied out, and released before they are compressed and written,
    /// so a sampler holding the same lock waits only for the copy.
    /// </summary>
    public void Append(Profile profile, object? syncRoot = null)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        WriteBlocks(Collect(profile, syncRoot, forceMetadata: false));
        Flush();
    }

    /// <summary>Appends the rest, the final metadata and the end block that marks the file complete.</summary>
    public void Complete(Profile profile, object? syncRoot = null)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var blocks = Collect(profile, syncRoot, forceMetadata: true);
        // A call graph and line timings are only whole once the profile is: they are written with the end.
        CollectCallGraphs(profile, blocks);
        CollectLineTimings(profile, blocks);
        if (profile.Memory is { } memory) blocks.Add((NativeBlockType.Memory, NativeMemoryBlock.Encode(memory)));
        // The end block gives the sample count, so a reader can size its columns once instead of growing them.
        var end = new byte[NativeFormat.EndContentLength];
        BinaryPrimitives.WriteInt64LittleEndian(end, profile.SampleCount);
        blocks.Add((NativeBlockType.End, end));
        WriteBlocks(blocks);
        Flush();
        _completed = true;
    }

    private List<(NativeBlockType, byte[])> Collect(Profile profile, object? syncRoot, bool forceMetadata)
    {
        if (syncRoot is null) return Collect(profile, forceMetadata);
        lock (syncRoot) return Collect(profile, forceMetadata);
    }

    /// <summary>The contents of the blocks for what is new, still uncompressed: the part done under the lock.</summary>
    private List<(NativeBlockType, byte[])> Collect(Profile profile, bool forceMetadata)
    {
        var blocks = new List<(NativeBlockType, byte[])>();
        if (_weightTypes is null) _weightTypes = profile.WeightTypes;
        else if (!profile.WeightTypes.SequenceEqual(_weightTypes))
            throw new ArgumentException("The profile's weight types changed between appends.", nameof(profile));

        var metadata = new ByteBuffer();
        NativeMetadata.Encode(profile, metadata);
        if (forceMetadata || _lastMetadata is null || !metadata.Span.SequenceEqual(_lastMetadata))
        {
            _lastMetadata = metadata.ToArray();
            blocks.Add((NativeBlockType.Metadata, _lastMetadata));
        }
        CollectThreads(profile, blocks);
        CollectFrames(profile, blocks);
        CollectStacks(profile, blocks);
        CollectSamples(profile, blocks);
        return blocks;
    }

    private void CollectThreads(Profile profile, List<(NativeBlockType, byte[])> blocks)
    {
        var items = new ByteBuffer();
        var count = 0;
        for (var i = 0; i < profile.Threads.Count; i++)
        {
            var thread = profile.Threads[i];
            if (i < _threadsWritten.Count && _threadsWritten[i] == thread) continue;
            items.WriteVarint(i);
            items.WriteVarint(thread.ProcessId);
            items.WriteSigned(thread.ThreadId);
            items.WriteString(thread.Name);
            if (i < _threadsWritten.Count) _threadsWritten[i] = thread;
            else _threadsWritten.Add(thread);
            count++;
        }
        if (count > 0) blocks.Add((NativeBlockType.Threads, WithCount(count, items)));
    }

    private void CollectFrames(Profile profile, List<(NativeBlockType, byte[])> blocks)
    {
        var items = new ByteBuffer(1 << 12);
        var count = 0;
        for (; _framesWritten < profile.Frames.Count; _framesWritten++)
        {
            var frame = profile.Frames[_framesWritten];
            WriteStringRef(items, frame.Function);
            WriteStringRef(items, frame.File);
            items.WriteSigned(frame.FirstLine);
            items.WriteSigned(frame.Line);
            items.WriteByte((byte)frame.Kind);
            if (++count >= 1 << 20 || items.Length >= NativeFormat.TargetBlockBytes) Emit(NativeBlockType.Frames, ref count, items, blocks);
        }
        if (count > 0) Emit(NativeBlockType.Frames, ref count, items, blocks);
    }

    private void CollectStacks(Profile profile, List<(NativeBlockType, byte[])> blocks)
    {
        var items = new ByteBuffer(1 << 12);
        var count = 0;
        var stacks = profile.Stacks;
        for (; _stacksWritten < stacks.Count; _stacksWritten++)
        {
            // The distance back to the parent is usually 1 for a stack interned right after its caller.
            items.WriteVarint((ulong)(_stacksWritten - stacks.ParentOf(_stacksWritten)));
            items.WriteVarint(stacks.FrameOf(_stacksWritten));
            if (++count >= 1 << 20 || items.Length >= NativeFormat.TargetBlockBytes) Emit(NativeBlockType.Stacks, ref count, items, blocks);
        }
        if (count > 0) Emit(NativeBlockType.Stacks, ref count, items, blocks);
    }

    /// <summary>
    /// Samples go column by column (see docs/formats.md): alike values sit together and compress well. Stacks are
    /// numbered within the block by how often they occur, so the hot few take one byte each.
    /// </summary>
    private void CollectSamples(Profile profile, List<(NativeBlockType, byte[])> blocks)
    {
        var width = profile.WeightTypes.Count;
        var columns = new ByteBuffer[3 + width];
        for (var c = 0; c < columns.Length; c++) columns[c] = new ByteBuffer(1 << 12);
        var previousWeights = new long[width];
        var uses = new Dictionary<int, int>();
        while (_samplesWritten < profile.SampleCount)
        {
            var first = _samplesWritten;
            var end = (int)Math.Min(profile.SampleCount, (long)first + SamplesPerBlock);
            uses.Clear();
            for (var i = first; i < end; i++)
            {
                var stack = profile.StackIdOf(i);
                uses[stack] = uses.GetValueOrDefault(stack) + 1;
            }
            var dictionary = uses.OrderByDescending(u => u.Value).ThenBy(u => u.Key).Select(u => u.Key).ToArray();
            var localIds = new Dictionary<int, int>(dictionary.Length);
            for (var j = 0; j < dictionary.Length; j++) localIds.Add(dictionary[j], j);

            foreach (var column in columns) column.Clear();
            Array.Clear(previousWeights);
            long previousTime = 0;
            for (var i = first; i < end; i++)
            {
                var time = profile.TimestampOf(i);
                columns[0].WriteSigned(time - previousTime);
                previousTime = time;
                columns[1].WriteVarint(localIds[profile.StackIdOf(i)]);
                columns[2].WriteVarint(profile.ThreadIndexOf(i));
                for (var w = 0; w < width; w++)
                {
                    var weight = profile.WeightOf(i, w);
                    columns[3 + w].WriteSigned(weight - previousWeights[w]);
                    previousWeights[w] = weight;
                }
            }

            var block = new ByteBuffer(columns.Sum(c => c.Length) + 5 * (dictionary.Length + columns.Length + 2));
            block.WriteVarint(end - first);
            block.WriteVarint(dictionary.Length);
            foreach (var stack in dictionary) block.WriteVarint((ulong)((long)stack + 1));
            foreach (var column in columns) block.WriteVarint(column.Length);
            foreach (var column in columns) block.Write(column.Span);
            blocks.Add((NativeBlockType.Samples, block.ToArray()));
            if (profile.HasThreadStates) blocks.Add((NativeBlockType.ThreadStates, EncodeThreadStates(profile, first, end)));
            _samplesWritten = end;
        }
    }

    /// <summary>One state byte per sample, in a block of its own so that readers older than 1.3 skip it.</summary>
    private static byte[] EncodeThreadStates(Profile profile, int first, int end)
    {
        var block = new ByteBuffer(end - first + 10);
        block.WriteVarint(first);
        block.WriteVarint(end - first);
        for (var i = first; i < end; i++) block.WriteByte((byte)profile.ThreadStateOf(i));
        return block.ToArray();
    }

    /// <summary>
    /// One block per thread's graph when the profile keeps threads apart (the whole graph is their sum), else one
    /// block for the whole graph.
    /// </summary>
    private void CollectCallGraphs(Profile profile, List<(NativeBlockType, byte[])> blocks)
    {
        if (profile.ThreadCallGraphs.Count > 0)
        {
            foreach (var (thread, graph) in profile.ThreadCallGraphs.OrderBy(g => g.Key)) blocks.Add((NativeBlockType.CallGraph, EncodeCallGraph(thread + 1, graph)));
        }
        else if (profile.CallGraph is { } whole)
        {
            blocks.Add((NativeBlockType.CallGraph, EncodeCallGraph(0, whole)));
        }
    }

    private byte[] EncodeCallGraph(int threadPlusOne, CallGraphData graph)
    {
        var items = new ByteBuffer(1 << 12);
        items.WriteVarint(threadPlusOne);
        items.WriteVarint(graph.Functions.Count);
        var index = new Dictionary<FunctionKey, int>(graph.Functions.Count);
        foreach (var function in graph.Functions)
        {
            index.Add(function.Function, index.Count);
            WriteFunctionKey(items, function.Function);
            WriteNumbers(items, function.Calls, function.PrimitiveCalls, function.OwnNs, function.TotalNs);
        }
        items.WriteVarint(graph.Edges.Count);
        foreach (var edge in graph.Edges)
        {
            items.WriteVarint(index[edge.Caller]);
            items.WriteVarint(index[edge.Callee]);
            WriteNumbers(items, edge.Calls, edge.PrimitiveCalls, edge.OwnNs, edge.TotalNs);
        }
        return items.ToArray();
    }

    private void CollectLineTimings(Profile profile, List<(NativeBlockType, byte[])> blocks)
    {
        if (profile.LineTimings is not { Entries.Count: > 0 } timings) return;
        var items = new ByteBuffer(1 << 12);
        items.WriteVarint(timings.Entries.Count);
        foreach (var entry in timings.Entries)
        {
            items.WriteSigned(entry.ThreadIndex);
            WriteFunctionKey(items, entry.Function);
            items.WriteVarint(entry.Lines.Count);
            foreach (var line in entry.Lines)
            {
                items.WriteSigned(line.Line);
                items.WriteSigned(line.Hits);
                items.WriteSigned(line.TimeNs);
            }
            items.WriteVarint(entry.Source.Count);
            foreach (var text in entry.Source) items.WriteString(text);
        }
        blocks.Add((NativeBlockType.LineTimings, items.ToArray()));
    }

    private void WriteFunctionKey(ByteBuffer items, FunctionKey key)
    {
        WriteStringRef(items, key.Function);
        WriteStringRef(items, key.File);
        items.WriteSigned(key.FirstLine);
        items.WriteByte((byte)key.Kind);
    }

    private static void WriteNumbers(ByteBuffer items, long calls, long primitiveCalls, long ownNs, long totalNs)
    {
        items.WriteSigned(calls);
        items.WriteSigned(primitiveCalls);
        items.WriteSigned(ownNs);
        items.WriteSigned(totalNs);
    }

    /// <summary>
    /// Strings are interned across the file: a known string is written as its id; a new one as the next id
    /// followed by its text.
    /// </summary>
    private void WriteStringRef(ByteBuffer items, string text)
    {
        if (_stringIds.TryGetValue(text, out var id))
        {
            items.WriteVarint(id);
            return;
        }
        id = _stringIds.Count;
        _stringIds.Add(text, id);
        items.WriteVarint(id);
        items.WriteString(text);
    }

    private static void Emit(NativeBlockType type, ref int count, ByteBuffer items, List<(NativeBlockType, byte[])> blocks)
    {
        blocks.Add((type, WithCount(count, items)));
        items.Clear();
        count = 0;
    }

    private static byte[] WithCount(int count, ByteBuffer items)
    {
        var content = new byte[ByteBuffer.VarintLength((ulong)count) + items.Length];
        var length = 0;
        for (var value = (ulong)count; ; value >>= 7)
        {
            content[length++] = (byte)(value >= 0x80 ? value | 0x80 : value);
            if (value < 0x80) break;
        }
        items.Span.CopyTo(content.AsSpan(length));
        return content;
    }

    private void WriteBlocks(List<(NativeBlockType Type, byte[] Content)> blocks)
    {
        if (!_headerWritten) WriteFileHeader();
        Span<byte> header = stackalloc byte[NativeFormat.BlockHeaderLength];
        foreach (var (type, content) in blocks)
        {
            ReadOnlySpan<byte> payload = content;
            byte flags = 0;
            if (content.Length >= MinCompressibleBytes)
            {
                _compressed.SetLength(0);
                using (var deflate = new DeflateStream(_compressed, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(content);
                if (_compressed.Length < content.Length)
                {
                    payload = _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);
                    flags = NativeFormat.FlagDeflate;
                }
            }
            header[0] = (byte)type;
            header[1] = flags;
            BinaryPrimitives.WriteUInt32LittleEndian(header[2..], (uint)payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[6..], (uint)content.Length);
            var crc = Crc32.Append(Crc32.Compute(header[..10]), payload);
            BinaryPrimitives.WriteUInt32LittleEndian(header[10..], crc);
            _output.Write(header);
            _output.Write(payload);
        }
    }

    private void WriteFileHeader()
    {
        Span<byte> header = stackalloc byte[NativeFormat.HeaderLength];
        NativeFormat.Magic.CopyTo(header);
        header[6] = NativeFormat.MajorVersion;
        header[7] = NativeFormat.MinorVersion;
        _output.Write(header);
        _headerWritten = true;
    }

    private void Flush()
    {
        if (_durable && _output is FileStream file) file.Flush(flushToDisk: true);
        else _output.Flush();
    }
}
