namespace Sonde.Remote.CPython;

/// <summary>Code object headers a tick's batch read: where each one's bytes sit in the batch buffer, by address.</summary>
internal sealed class PrefetchedHeaders
{
    private readonly Dictionary<ulong, int> _offsets = [];

    public byte[] Buffer { get; private set; } = [];

    public int Count => _offsets.Count;

    public void Clear() => _offsets.Clear();

    public bool Contains(ulong code) => _offsets.ContainsKey(code);

    /// <summary>Notes a header to read; false when it is already in the batch.</summary>
    public bool Plan(ulong code) => _offsets.TryAdd(code, -1);

    public void Place(ulong code, int offset) => _offsets[code] = offset;

    public void Filled(byte[] buffer) => Buffer = buffer;

    public bool TryGet(ulong code, int size, out ReadOnlySpan<byte> header)
    {
        if (_offsets.TryGetValue(code, out var offset) && offset >= 0)
        {
            header = Buffer.AsSpan(offset, size);
            return true;
        }
        header = default;
        return false;
    }
}
