namespace Sonde.Remote.Memory;

/// <summary>
/// Ranges of the target to copy in one <c>process_vm_readv</c>, laid end to end in <see cref="Buffer"/>. The
/// kernel charges per range: here about 0.4 us for each one, against 0.05 us per KiB copied. So a range that
/// starts on the page where the previous one ends, or on the next page, is merged into it: the merged range
/// covers no page that neither of them reached, so it is mapped whenever they are. The kernel copies in order;
/// <see cref="Barrier"/> stops later ranges from merging into earlier ones, for callers that need some bytes
/// read after others (consistency checks after the frames they check).
/// </summary>
internal sealed class ReadPlan
{
    private const int MaxMergedBytes = 64 * 1024;

    private readonly List<RemoteRange> _ranges = [];
    private int _mergeFrom;
    private ulong[] _sortKeys = new ulong[16];
    private int[] _sortOrder = new int[16];

    public byte[] Buffer { get; private set; } = new byte[16 * 1024];

    /// <summary>Bytes the ranges take in <see cref="Buffer"/>, merged gaps included.</summary>
    public int Bytes { get; private set; }

    /// <summary>How many ranges the read passes to the kernel, after merging.</summary>
    public int RangeCount => _ranges.Count;

    public void Clear()
    {
        _ranges.Clear();
        _mergeFrom = 0;
        Bytes = 0;
    }

    /// <summary>Ranges added from now on are copied after every range added before.</summary>
    public void Barrier() => _mergeFrom = _ranges.Count;

    /// <summary>Adds a range to read; returns where its bytes will sit in <see cref="Buffer"/>.</summary>
    public int Add(ulong address, int length)
    {
        var end = address + (ulong)length;
        if (_ranges.Count > _mergeFrom)
        {
            var last = _ranges[^1];
            var lastEnd = last.Address + (ulong)last.Length;
            var mergedEnd = Math.Max(end, lastEnd);
            if (address >= last.Address && last.TouchesPagesOf(new RemoteRange(address, length)) && mergedEnd - last.Address <= MaxMergedBytes)
            {
                var lastOffset = Bytes - last.Length;
                _ranges[^1] = last with { Length = (int)(mergedEnd - last.Address) };
                Bytes = lastOffset + _ranges[^1].Length;
                return lastOffset + (int)(address - last.Address);
            }
        }
        _ranges.Add(new RemoteRange(address, length));
        Bytes += length;
        return Bytes - length;
    }

    /// <summary>
    /// Adds ranges whose order among themselves doesn't matter in address order, so neighbours merge; the offset of
    /// <c>ranges[i]</c> goes to <c>offsets[i]</c>.
    /// </summary>
    public void AddInAddressOrder(ReadOnlySpan<RemoteRange> ranges, Span<int> offsets)
    {
        if (_sortKeys.Length < ranges.Length)
        {
            _sortKeys = new ulong[ranges.Length * 2];
            _sortOrder = new int[ranges.Length * 2];
        }
        for (var i = 0; i < ranges.Length; i++)
        {
            _sortKeys[i] = ranges[i].Address;
            _sortOrder[i] = i;
        }
        Array.Sort(_sortKeys, _sortOrder, 0, ranges.Length);
        for (var i = 0; i < ranges.Length; i++)
        {
            var index = _sortOrder[i];
            offsets[index] = Add(ranges[index].Address, ranges[index].Length);
        }
    }

    /// <summary>Reads every range in one call; false when any of them could not be read whole.</summary>
    public bool TryRead(IProcessMemory memory)
    {
        if (Buffer.Length < Bytes) Buffer = new byte[Bytes * 2];
        return memory.ReadMany(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ranges), Buffer) == _ranges.Count;
    }
}
