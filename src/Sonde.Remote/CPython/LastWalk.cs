namespace Sonde.Remote.CPython;

/// <summary>
/// One thread's last complete walk, outermost frame first: each raw frame and the code object and line it
/// resolved to. The next walk's frames are matched against these by their height from the base (see
/// <see cref="CodeObjectCache.Resolve"/>), and the next batch plans its header reads from them.
/// </summary>
internal sealed class LastWalk
{
    private RawFrame[] _frames = new RawFrame[64];
    private CodeInfo?[] _codes = new CodeInfo?[64];
    private int[] _lines = new int[64];
    private int _depth;

    public ReadOnlySpan<RawFrame> Frames => _frames.AsSpan(0, _depth);

    public ReadOnlySpan<CodeInfo?> Codes => _codes.AsSpan(0, _depth);

    public ReadOnlySpan<int> Lines => _lines.AsSpan(0, _depth);

    /// <summary>
    /// Until when (<see cref="Environment.TickCount64"/>) the cache trusts every code object of the walk, as far as
    /// the walk's own resolution found; 0 when it didn't find out. A code object found replaced meanwhile is still
    /// caught when the next walk is resolved.
    /// </summary>
    public long TrustedUntilMs { get; set; }

    /// <summary>Keeps a complete walk: <paramref name="raw"/> innermost first, and the last <c>raw.Count</c> entries of <paramref name="resolved"/>.</summary>
    public void Remember(List<RawFrame> raw, List<RemoteFrame> resolved)
    {
        var count = raw.Count;
        if (_frames.Length < count)
        {
            var size = Math.Max(count, _frames.Length * 2);
            Array.Resize(ref _frames, size);
            Array.Resize(ref _codes, size);
            Array.Resize(ref _lines, size);
        }
        var first = resolved.Count - count;
        for (var fromBase = 0; fromBase < count; fromBase++)
        {
            var i = count - 1 - fromBase;
            var frame = resolved[first + i];
            _frames[fromBase] = raw[i];
            // Most entries are unchanged since the last walk; not rewriting them spares the GC's write barrier.
            if (!ReferenceEquals(_codes[fromBase], frame.Code)) _codes[fromBase] = frame.Code;
            _lines[fromBase] = frame.Line;
        }
        // Code objects of frames that have returned are not kept alive.
        for (var fromBase = count; fromBase < _depth; fromBase++) _codes[fromBase] = null;
        _depth = count;
    }
}
