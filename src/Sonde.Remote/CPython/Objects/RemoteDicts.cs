using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Reads remote dicts: combined and split tables, the hash-and-key entries of every version and the str-only entries
/// of 3.11+. A str key's hash in the target can't be computed here (str hashes are salted per process), so the first
/// lookup of a key scans the entries and compares contents, reading up to 64 entries and their keys per system call;
/// the match teaches the key its hash, and later lookups follow the table's own probe sequence from it. Every count
/// is checked against the table's size and capped, so a torn or hostile dict costs a bounded amount of work.
/// </summary>
internal sealed class RemoteDicts
{
    /// <summary>Entries beyond this many are not looked at.</summary>
    public const int MaxEntries = 1 << 16;
    /// <summary>The longest name a <see cref="StrKey"/> may have.</summary>
    public const int MaxKeyLength = 128;

    private const int Batch = 64;
    private const int MaxLog2Size = 32;
    private const int MaxProbes = 64;
    // dictobject.c: an index slot that was never used ends a probe sequence; each step mixes in 5 more hash bits.
    private const long EmptySlot = -1;
    private const int PerturbShift = 5;

    private readonly IProcessMemory _memory;
    private readonly PythonLayout _layout;
    private readonly RemoteTypes _types;
    private readonly int _dictSize;
    private readonly byte[] _entries;
    private readonly byte[] _keys;
    private readonly RemoteRange[] _ranges = new RemoteRange[Batch];
    private readonly int[] _candidates = new int[Batch];

    public RemoteDicts(RemoteObjects objects, RemoteTypes types)
    {
        _memory = objects.Memory;
        _layout = objects.Layout;
        _types = types;
        _dictSize = Math.Max(_layout.DictUsed, Math.Max(_layout.DictKeys, _layout.DictValues)) + 8;
        _entries = new byte[Batch * Math.Max(_layout.DictEntrySize, _layout.DictUnicodeEntrySize)];
        _keys = new byte[Batch * (_layout.UnicodeAsciiSize + MaxKeyLength)];
    }

    /// <summary>The value stored under <paramref name="key"/> in the dict at <paramref name="dict"/>; 0 when absent or unreadable.</summary>
    public ulong Find(ulong dict, StrKey key)
    {
        if (!TryOpen(dict, out var keys, out var values)) return 0;
        var index = IndexOf(keys, key);
        return index < 0 ? 0 : ValueAt(keys, values, index);
    }

    /// <summary>Reads a dict's header and keys. False when it is not a dict or doesn't hold together.</summary>
    public bool TryOpen(ulong dict, out DictKeysView keys, out DictValuesView values)
    {
        keys = default;
        values = DictValuesView.None;
        Span<byte> block = stackalloc byte[_dictSize];
        if (_types.KindOf(_types.TypeOf(dict)) != ObjectKind.Dict || !_memory.TryRead(dict, block)) return false;
        if (!TryReadKeys(RemoteReader.Pointer(block, _layout.DictKeys), out keys)) return false;
        var split = RemoteReader.Pointer(block, _layout.DictValues);
        if (split == 0) return true;
        return TryReadValues(split, keys, out values);
    }

    /// <summary>The value pointers a split table or an instance's values point to, with the capacity 3.13 records.</summary>
    public bool TryReadValues(ulong valuesAddress, in DictKeysView keys, out DictValuesView values)
    {
        values = DictValuesView.None;
        if (!RemoteReader.LooksLikeObjectPointer(valuesAddress)) return false;
        var capacity = keys.Count;
        if (_layout.DictValuesCapacity >= 0)
        {
            Span<byte> header = stackalloc byte[1];
            if (!_memory.TryRead(valuesAddress + (ulong)_layout.DictValuesCapacity, header)) return false;
            capacity = Math.Min(capacity, header[0]);
        }
        values = new DictValuesView(valuesAddress + (ulong)_layout.DictValuesArray, capacity);
        return true;
    }

    public bool TryReadKeys(ulong keysAddress, out DictKeysView view)
    {
        view = default;
        Span<byte> block = stackalloc byte[_layout.DictKeysIndices];
        if (!RemoteReader.LooksLikeObjectPointer(keysAddress) || !_memory.TryRead(keysAddress, block)) return false;

        long slots, indexBytes;
        if (_layout.DictKeysSize >= 0)
        {
            slots = RemoteReader.Int64(block, _layout.DictKeysSize);
            // The shared empty keys of 3.8-3.10 have a single slot; real tables have at least 8.
            if (slots < 1 || slots > 1L << MaxLog2Size || (slots & (slots - 1)) != 0) return false;
            indexBytes = slots * (slots <= 0xff ? 1 : slots <= 0xffff ? 2 : slots <= 0xffffffffL ? 4 : 8);
        }
        else
        {
            int log2Size = block[_layout.DictKeysLog2Size], log2IndexBytes = block[_layout.DictKeysLog2IndexBytes];
            if (log2Size > MaxLog2Size || log2IndexBytes < log2Size || log2IndexBytes > log2Size + 3) return false;
            slots = 1L << log2Size;
            indexBytes = 1L << log2IndexBytes;
        }

        var unicode = false;
        if (_layout.DictKeysKind >= 0)
        {
            int kind = block[_layout.DictKeysKind];
            if (kind != _layout.DictKindGeneral && kind != _layout.DictKindUnicode && kind != _layout.DictKindSplit) return false;
            unicode = kind != _layout.DictKindGeneral;
        }
        var count = RemoteReader.Int64(block, _layout.DictKeysNentries);
        if (count < 0 || count > slots) return false;

        var indices = keysAddress + (ulong)_layout.DictKeysIndices;
        var entries = indices + (ulong)indexBytes;
        var shown = (int)Math.Min(count, MaxEntries);
        var width = (int)(indexBytes / slots);
        view = unicode
            ? new DictKeysView(indices, slots, width, entries, shown, _layout.DictUnicodeEntrySize, _layout.DictUnicodeEntryKey, _layout.DictUnicodeEntryValue, -1)
            : new DictKeysView(indices, slots, width, entries, shown, _layout.DictEntrySize, _layout.DictEntryKey, _layout.DictEntryValue, _layout.DictEntryHash);
        return width is 1 or 2 or 4 or 8;
    }

    /// <summary>The index of the entry whose key is the str <paramref name="key"/>; -1 when absent or unreadable.</summary>
    public int IndexOf(in DictKeysView keys, StrKey key)
    {
        if (key.Bytes.Length > MaxKeyLength) return -1;
        if (key.Hash is { } hash && TryProbe(keys, key, hash, out var index)) return index;
        return Scan(keys, key);
    }

    /// <summary>
    /// Follows the probe sequence CPython itself uses for <paramref name="hash"/>. True with the entry's index, or -1
    /// when an empty slot proves the key absent; false when the table couldn't be read or the walk ran long, so the
    /// caller scans instead.
    /// </summary>
    public bool TryProbe(in DictKeysView keys, StrKey key, long hash, out int index)
    {
        index = -1;
        Span<byte> slot = stackalloc byte[8];
        Span<byte> entry = stackalloc byte[keys.EntrySize];
        Span<byte> header = stackalloc byte[_layout.UnicodeAsciiSize + key.Bytes.Length];
        var mask = (ulong)keys.Slots - 1;
        var perturb = (ulong)hash;
        var i = perturb & mask;
        for (var probe = 0; probe < MaxProbes; probe++)
        {
            var raw = slot[..keys.IndexWidth];
            if (!_memory.TryRead(keys.Indices + i * (ulong)keys.IndexWidth, raw)) return false;
            long ix = keys.IndexWidth switch
            {
                1 => (sbyte)raw[0],
                2 => System.Buffers.Binary.BinaryPrimitives.ReadInt16LittleEndian(raw),
                4 => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw),
                _ => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw),
            };
            if (ix == EmptySlot) return true;
            if (ix >= 0 && ix < keys.Count
                && _memory.TryRead(keys.Entries + (ulong)(ix * keys.EntrySize), entry)
                && (keys.HashOffset < 0 || RemoteReader.Int64(entry, keys.HashOffset) == hash)
                && RemoteReader.Pointer(entry, keys.KeyOffset) is var keyAddress && RemoteReader.LooksLikeObjectPointer(keyAddress)
                && _memory.TryRead(keyAddress, header) && IsKey(header, key))
            {
                index = (int)ix;
                return true;
            }
            perturb >>= PerturbShift;
            i = (i * 5 + perturb + 1) & mask;
        }
        return false;
    }

    /// <summary>Compares every entry's key with <paramref name="key"/>, skipping entries whose known hash differs.</summary>
    private int Scan(in DictKeysView keys, StrKey key)
    {
        var headerSize = _layout.UnicodeAsciiSize + key.Bytes.Length;
        for (var start = 0; start < keys.Count; start += Batch)
        {
            var count = Math.Min(Batch, keys.Count - start);
            var entries = _entries.AsSpan(0, count * keys.EntrySize);
            if (!_memory.TryRead(keys.Entries + (ulong)(start * keys.EntrySize), entries)) return -1;

            var candidates = 0;
            for (var i = 0; i < count; i++)
            {
                var entry = entries.Slice(i * keys.EntrySize, keys.EntrySize);
                var keyAddress = RemoteReader.Pointer(entry, keys.KeyOffset);
                if (!RemoteReader.LooksLikeObjectPointer(keyAddress)) continue;
                if (keys.HashOffset >= 0 && key.Hash is { } hash && RemoteReader.Int64(entry, keys.HashOffset) != hash) continue;
                _candidates[candidates] = i;
                _ranges[candidates] = new RemoteRange(keyAddress, headerSize);
                candidates++;
            }
            if (candidates == 0) continue;

            var read = _memory.ReadMany(_ranges.AsSpan(0, candidates), _keys);
            for (var c = 0; c < candidates; c++)
            {
                var header = _keys.AsSpan(c * headerSize, headerSize);
                // ReadMany stops at the first range it can't read (a short key at the end of a mapping); retry the rest alone.
                if (c >= read && !_memory.TryRead(_ranges[c].Address, header)) continue;
                if (IsKey(header, key)) return start + _candidates[c];
            }
        }
        return -1;
    }

    /// <summary>The value of entry <paramref name="index"/>: from <paramref name="values"/> for a split table, else from the entry.</summary>
    public ulong ValueAt(in DictKeysView keys, in DictValuesView values, int index)
    {
        if (index < 0 || index >= keys.Count) return 0;
        ulong value;
        if (values.IsSplit)
        {
            if (index >= values.Capacity || !_memory.TryReadPointer(values.Array + (ulong)index * 8, out value)) return 0;
        }
        else if (!_memory.TryReadPointer(keys.Entries + (ulong)(index * keys.EntrySize + keys.ValueOffset), out value))
        {
            return 0;
        }
        return RemoteReader.LooksLikeObjectPointer(value) ? value : 0;
    }

    /// <summary>Appends the dict's (key, value) pairs, at most <paramref name="maxItems"/>. False when the dict can't be read.</summary>
    public bool TryReadItems(ulong dict, List<(ulong Key, ulong Value)> items, int maxItems)
    {
        if (!TryOpen(dict, out var keys, out var values)) return false;
        for (var start = 0; start < keys.Count && items.Count < maxItems; start += Batch)
        {
            var count = Math.Min(Batch, keys.Count - start);
            var entries = _entries.AsSpan(0, count * keys.EntrySize);
            if (!_memory.TryRead(keys.Entries + (ulong)(start * keys.EntrySize), entries)) return false;
            for (var i = 0; i < count && items.Count < maxItems; i++)
            {
                var entry = entries.Slice(i * keys.EntrySize, keys.EntrySize);
                var key = RemoteReader.Pointer(entry, keys.KeyOffset);
                if (!RemoteReader.LooksLikeObjectPointer(key)) continue;
                var value = values.IsSplit ? ValueAt(keys, values, start + i) : RemoteReader.Pointer(entry, keys.ValueOffset);
                if (RemoteReader.LooksLikeObjectPointer(value)) items.Add((key, value));
            }
        }
        return true;
    }

    /// <summary>
    /// Whether a key object's header and first bytes are the exact str <paramref name="key"/>. Names are compact
    /// ASCII strs, whose characters follow the header. The first match teaches the key its hash in the target.
    /// </summary>
    private bool IsKey(ReadOnlySpan<byte> header, StrKey key)
    {
        if (_types.KindOf(RemoteReader.Pointer(header, _layout.ObjectType)) != ObjectKind.Str) return false;
        if (RemoteReader.Int64(header, _layout.UnicodeLength) != key.Bytes.Length) return false;
        var state = (uint)RemoteReader.Int32(header, _layout.UnicodeState);
        if (((state >> _layout.UnicodeCompactBit) & 1) == 0 || ((state >> _layout.UnicodeAsciiBit) & 1) == 0) return false;
        var hash = RemoteReader.Int64(header, _layout.UnicodeHash);
        if (key.Hash is { } known && hash != -1 && hash != known) return false;
        if (!header[_layout.UnicodeAsciiSize..].SequenceEqual(key.Bytes)) return false;
        if (key.Hash is null && hash != -1) key.Hash = hash;
        return true;
    }
}
