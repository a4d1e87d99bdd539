using Sonde.Profiles;
using Sonde.Profiles.Lines;
using Sonde.Profiles.Memory;

namespace Sonde.Formats.Native;

/// <summary>
/// The memory block (format 1.2): named timelines, every garbage collection, the longest pauses with their
/// stacks, and named totals. Times and values are written as differences from the previous point, which keeps
/// a steady timeline small. docs/formats.md gives the layout.
/// </summary>
internal static class NativeMemoryBlock
{
    private const int MaxGeneration = 16;

    public static byte[] Encode(MemoryData memory)
    {
        var items = new ByteBuffer(1 << 12);
        items.WriteVarint(memory.Series.Count);
        foreach (var (name, points) in memory.Series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            items.WriteString(name);
            items.WriteVarint(points.Count);
            long time = 0, value = 0;
            foreach (var point in points)
            {
                items.WriteSigned(point.TimeNs - time);
                items.WriteSigned(point.Value - value);
                (time, value) = (point.TimeNs, point.Value);
            }
        }
        items.WriteVarint(memory.Collections.Count);
        long previous = 0;
        foreach (var collection in memory.Collections)
        {
            items.WriteSigned(collection.TimeNs - previous);
            previous = collection.TimeNs;
            items.WriteSigned(collection.DurationNs);
            items.WriteVarint(collection.Generation);
            items.WriteSigned(collection.Collected);
            items.WriteSigned(collection.Uncollectable);
            items.WriteSigned(collection.ProcessId);
        }
        items.WriteVarint(memory.LongestPauses.Count);
        foreach (var pause in memory.LongestPauses)
        {
            items.WriteSigned(pause.TimeNs);
            items.WriteSigned(pause.DurationNs);
            items.WriteVarint(pause.Generation);
            items.WriteSigned(pause.StackId);
        }
        items.WriteVarint(memory.Totals.Count);
        foreach (var (name, value) in memory.Totals.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            items.WriteString(name);
            items.WriteSigned(value);
        }
        items.WriteVarint(memory.ObjectSnapshots.Count);
        foreach (var snapshot in memory.ObjectSnapshots)
        {
            items.WriteSigned(snapshot.TimeNs);
            items.WriteVarint(snapshot.Types.Count);
            foreach (var type in snapshot.Types)
            {
                items.WriteString(type.Type);
                items.WriteSigned(type.Count);
                items.WriteSigned(type.Bytes);
            }
        }
        items.WriteByte(memory.ObjectChain is null ? (byte)0 : (byte)1);
        if (memory.ObjectChain is { } chain)
        {
            items.WriteString(chain.Type);
            items.WriteVarint(chain.Steps.Count);
            foreach (var step in chain.Steps) items.WriteString(step);
        }
        var increments = memory.LineIncrements?.Entries ?? [];
        items.WriteVarint(increments.Count);
        foreach (var entry in increments)
        {
            items.WriteString(entry.Function.Function);
            items.WriteString(entry.Function.File);
            items.WriteSigned(entry.Function.FirstLine);
            items.WriteSigned(entry.ThreadIndex);
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
        return items.ToArray();
    }

    /// <param name="stacks">The profile's stack id of each stack id of the file.</param>
    public static MemoryData Decode(ref ByteReader reader, IReadOnlyList<int> stacks)
    {
        var memory = new MemoryData();
        var seriesCount = reader.ReadCount(minBytesEach: 2);
        for (var s = 0; s < seriesCount; s++)
        {
            var name = reader.ReadString();
            var count = reader.ReadCount(minBytesEach: 2);
            var points = new List<TimelinePoint>(count);
            long time = 0, value = 0;
            for (var i = 0; i < count; i++)
            {
                time += reader.ReadSigned();
                value += reader.ReadSigned();
                points.Add(new TimelinePoint(time, value));
            }
            memory.Series[name] = points;
        }
        var collections = reader.ReadCount(minBytesEach: 6);
        long previous = 0;
        for (var i = 0; i < collections; i++)
        {
            previous += reader.ReadSigned();
            var duration = reader.ReadSigned();
            var generation = reader.ReadInt(MaxGeneration);
            memory.Collections.Add(new GcCollection(previous, duration, generation, reader.ReadSigned(), reader.ReadSigned(), (int)reader.ReadSigned()));
        }
        var pauses = reader.ReadCount(minBytesEach: 4);
        for (var i = 0; i < pauses; i++)
        {
            var time = reader.ReadSigned();
            var duration = reader.ReadSigned();
            var generation = reader.ReadInt(MaxGeneration);
            var stack = reader.ReadSigned();
            if (stack < -1 || stack >= stacks.Count) throw new InvalidDataException($"a garbage-collection pause names stack {stack}, but only {stacks.Count} are defined");
            memory.LongestPauses.Add(new GcPause(time, duration, generation, stack < 0 ? -1 : stacks[(int)stack]));
        }
        var totals = reader.ReadCount(minBytesEach: 2);
        for (var i = 0; i < totals; i++) memory.Totals[reader.ReadString()] = reader.ReadSigned();
        var snapshots = reader.ReadCount(minBytesEach: 2);
        for (var i = 0; i < snapshots; i++)
        {
            var time = reader.ReadSigned();
            var types = new ObjectTypeCount[reader.ReadCount(minBytesEach: 3)];
            for (var t = 0; t < types.Length; t++) types[t] = new ObjectTypeCount(reader.ReadString(), reader.ReadSigned(), reader.ReadSigned());
            memory.ObjectSnapshots.Add(new ObjectSnapshot(time, types));
        }
        if (reader.ReadByte() != 0)
        {
            var type = reader.ReadString();
            var steps = new string[reader.ReadCount(minBytesEach: 1)];
            for (var s = 0; s < steps.Length; s++) steps[s] = reader.ReadString();
            memory.ObjectChain = new ObjectChain(type, steps);
        }
        var functions = reader.ReadCount(minBytesEach: 6);
        for (var i = 0; i < functions; i++)
        {
            var function = new FunctionKey(reader.ReadString(), reader.ReadString(), (int)reader.ReadSigned());
            var thread = (int)reader.ReadSigned();
            var lines = new LineTiming[reader.ReadCount(minBytesEach: 3)];
            for (var l = 0; l < lines.Length; l++) lines[l] = new LineTiming((int)reader.ReadSigned(), reader.ReadSigned(), reader.ReadSigned());
            var source = new string[reader.ReadCount(minBytesEach: 1)];
            for (var t = 0; t < source.Length; t++) source[t] = reader.ReadString();
            memory.LineIncrements ??= new LineTimingData();
            memory.LineIncrements.Add(new FunctionLineTimings(function, thread, lines, source));
        }
        return memory;
    }
}
