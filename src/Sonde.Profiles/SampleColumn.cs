namespace Sonde.Profiles;

/// <summary>
/// One column of a profile's samples, kept in chunks of <see cref="ChunkSize"/> values: a column that grows never
/// copies what it holds. A <c>List</c> doubles and copies, and a sampler taking 150 thousand samples a second
/// spent 8% of its CPU in those copies and in faulting in the fresh pages they went to, stalling a tick each time.
/// The first chunk starts small and grows like a list, so a profile of a few samples stays small.
/// </summary>
internal sealed class SampleColumn<T> where T : unmanaged
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;
    private const int FirstCapacity = 64;

    private T[][] _chunks = [new T[FirstCapacity]];
    private int _chunkCount = 1;

    public int Count { get; private set; }

    public T this[int index]
    {
        get => _chunks[index >> ChunkBits][index & ChunkMask];
        set => _chunks[index >> ChunkBits][index & ChunkMask] = value;
    }

    public void Add(T value)
    {
        var count = Count;
        var chunk = count >> ChunkBits;
        if (chunk >= _chunkCount || (count & ChunkMask) >= _chunks[chunk].Length) MakeRoom(count + 1);
        _chunks[chunk][count & ChunkMask] = value;
        Count = count + 1;
    }

    public void AddRange(ReadOnlySpan<T> values)
    {
        MakeRoom(Count + values.Length);
        CopyInto(Count, values);
        Count += values.Length;
    }

    /// <summary>
    /// Adds every <paramref name="stride"/>-th value of <paramref name="values"/> from <paramref name="first"/> on:
    /// one column of values laid out sample by sample.
    /// </summary>
    public void AddStrided(ReadOnlySpan<T> values, int first, int stride)
    {
        var count = values.Length <= first ? 0 : (values.Length - first + stride - 1) / stride;
        MakeRoom(Count + count);
        var from = first;
        while (count > 0)
        {
            var into = _chunks[Count >> ChunkBits].AsSpan(Count & ChunkMask);
            var part = Math.Min(into.Length, count);
            for (var i = 0; i < part; i++, from += stride) into[i] = values[from];
            Count += part;
            count -= part;
        }
    }

    /// <summary>How many chunks hold values; <see cref="Chunk"/> gives each.</summary>
    public int ChunkCount => (Count + ChunkMask) >> ChunkBits;

    /// <summary>
    /// The values of chunk <paramref name="chunk"/>: those from <c>chunk * 65536</c> on, so the same chunk of two
    /// columns of equal length holds the same samples.
    /// </summary>
    public ReadOnlySpan<T> Chunk(int chunk) => _chunks[chunk].AsSpan(0, Math.Min(ChunkSize, Count - (chunk << ChunkBits)));

    /// <summary>Sets <paramref name="values"/> over the values from <paramref name="start"/> on, which must be there.</summary>
    public void SetRange(int start, ReadOnlySpan<T> values)
    {
        if (start < 0 || start + values.Length > Count) throw new ArgumentOutOfRangeException(nameof(start));
        CopyInto(start, values);
    }

    /// <summary>Copies the values over the column's room from <paramref name="start"/> on, chunk by chunk.</summary>
    private void CopyInto(int start, ReadOnlySpan<T> values)
    {
        while (!values.IsEmpty)
        {
            var into = _chunks[start >> ChunkBits].AsSpan(start & ChunkMask);
            var part = Math.Min(into.Length, values.Length);
            values[..part].CopyTo(into);
            values = values[part..];
            start += part;
        }
    }

    /// <summary>Grows the column to <paramref name="count"/> values, the new ones default.</summary>
    public void GrowTo(int count)
    {
        if (count <= Count) return;
        MakeRoom(count);
        for (var at = Count; at < count;)
        {
            var into = _chunks[at >> ChunkBits].AsSpan(at & ChunkMask);
            var part = Math.Min(into.Length, count - at);
            into[..part].Clear();
            at += part;
        }
        Count = count;
    }

    /// <summary>Makes room for <paramref name="capacity"/> values without adding any.</summary>
    public void MakeRoom(int capacity)
    {
        if (capacity <= ChunkSize)
        {
            var first = _chunks[0];
            if (first.Length < capacity) Array.Resize(ref _chunks[0], Math.Min(ChunkSize, Math.Max(capacity, first.Length * 2)));
            return;
        }
        if (_chunks[0].Length < ChunkSize) Array.Resize(ref _chunks[0], ChunkSize);
        var needed = (int)(((long)capacity + ChunkMask) >> ChunkBits);
        if (needed > _chunks.Length) Array.Resize(ref _chunks, Math.Max(needed, _chunks.Length * 2));
        // Pages of a chunk not yet written are left untouched: the values are written before they are read.
        for (; _chunkCount < needed; _chunkCount++) _chunks[_chunkCount] = GC.AllocateUninitializedArray<T>(ChunkSize);
    }
}
