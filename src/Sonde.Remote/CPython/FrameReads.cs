using System.Runtime.CompilerServices;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// How a walker gets frame bytes during one walk: from what this tick's batched read already brought over, or,
/// failing that, with a read of its own. It notes which ranges the walk used, so the next tick can fetch them in
/// its batch.
/// </summary>
internal sealed class FrameReads(IProcessMemory memory)
{
    private const int MaxRanges = 256;
    private const int MaxMergedPages = 16;
    private const ulong PageMask = ~4095UL;

    private readonly List<RemoteRange> _used = [];
    private byte[] _buffer = [];
    private CopiedRange[] _prefetched = [];
    private int _first;
    private int _count;
    private int _hint;
    // Frames used one after another from the same fetched range are recorded together, once (see UsedFromRange).
    private ulong _pendingStart;
    private ulong _pendingEnd;

    public IProcessMemory Memory => memory;

    /// <summary>The ranges the walk used, in the order it first used them, neighbours merged.</summary>
    public List<RemoteRange> Used
    {
        get
        {
            Flush();
            return _used;
        }
    }

    /// <summary>Starts a walk that may use <paramref name="count"/> ranges of <paramref name="table"/> from <paramref name="first"/>.</summary>
    public void Begin(byte[] buffer, CopiedRange[] table, int first, int count)
    {
        _buffer = buffer;
        _prefetched = table;
        _first = first;
        _count = count;
        _hint = 0;
        _pendingStart = _pendingEnd = 0;
        _used.Clear();
    }

    /// <summary>Starts a walk with nothing fetched beforehand.</summary>
    public void Begin() => Begin([], [], 0, 0);

    /// <summary>The bytes at <paramref name="address"/> if this tick's batch brought them over; empty otherwise.</summary>
    public ReadOnlySpan<byte> Prefetched(ulong address, int length)
    {
        var range = PrefetchedRange(address, length, out var start);
        return range.IsEmpty ? range : range.Slice((int)(address - start), length);
    }

    /// <summary>
    /// The whole range this tick's batch brought over that holds the bytes at <paramref name="address"/>, and where
    /// it starts; empty when none does. Those bytes are noted as used, and so must be any others the caller takes
    /// from the range (see <see cref="UsedFromRange"/>) before it calls this object again.
    /// </summary>
    public ReadOnlySpan<byte> PrefetchedRange(ulong address, int length, out ulong rangeStart)
    {
        // A walk visits the ranges in the order the previous walk recorded them: mostly the one it used last, or the next.
        for (var n = 0; n < _count; n++)
        {
            var i = _hint + n;
            if (i >= _count) i -= _count;
            ref readonly var range = ref _prefetched[_first + i];
            if (address < range.Address || address + (ulong)length > range.Address + (ulong)range.Length) continue;
            if (n > 0)
            {
                Flush();
                _hint = i;
            }
            UsedFromRange(address, length);
            rangeStart = range.Address;
            return _buffer.AsSpan(range.Offset, range.Length);
        }
        rangeStart = 0;
        return [];
    }

    /// <summary>
    /// Notes bytes used from the range <see cref="PrefetchedRange"/> returned last. Their span lies within that
    /// range, which was read whole, so it is recorded as one range when the walk moves elsewhere, not frame by frame.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void UsedFromRange(ulong address, int length)
    {
        var end = address + (ulong)length;
        if (_pendingEnd == 0) (_pendingStart, _pendingEnd) = (address, end);
        else
        {
            if (address < _pendingStart) _pendingStart = address;
            if (end > _pendingEnd) _pendingEnd = end;
        }
    }

    private void Flush()
    {
        if (_pendingEnd == 0) return;
        var (start, end) = (_pendingStart, _pendingEnd);
        _pendingStart = _pendingEnd = 0;
        Record(start, (int)(end - start));
    }

    /// <summary>Reads from the target now.</summary>
    public bool Read(ulong address, Span<byte> destination)
    {
        Flush();
        return memory.TryRead(address, destination);
    }

    /// <summary>
    /// Notes that the walk used these bytes. A range on the same or the next page as the last one is merged with it:
    /// every page of the merged range then holds bytes the walk read, so the whole of it was mapped.
    /// </summary>
    public void Record(ulong address, int length)
    {
        Flush();
        var end = address + (ulong)length;
        if (_used.Count > 0)
        {
            var last = _used[^1];
            var lastEnd = last.Address + (ulong)last.Length;
            var firstPage = Math.Min(address, last.Address) & PageMask;
            var lastPage = (Math.Max(end, lastEnd) - 1) & PageMask;
            if (last.TouchesPagesOf(new RemoteRange(address, length)) && lastPage - firstPage <= (ulong)(MaxMergedPages * 4096))
            {
                var start = Math.Min(address, last.Address);
                _used[^1] = new RemoteRange(start, (int)(Math.Max(end, lastEnd) - start));
                return;
            }
        }
        // Beyond that, the rest of a very deep walk is read on its own next time.
        if (_used.Count < MaxRanges) _used.Add(new RemoteRange(address, length));
    }
}
