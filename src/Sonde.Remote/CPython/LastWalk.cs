namespace Sonde.Remote.CPython;

/// <summary>
/// One thread's last complete walk, outermost frame first: each raw frame and the code object and line it
/// resolved to. <see cref="CodeObjectCache.Resolve"/> matches the next walk's frames against these by their height
/// from the base and keeps that walk here in turn; the next batch plans its header reads from them.
/// </summary>
internal sealed class LastWalk
{
    private RawFrame[] _frames = new RawFrame[64];
    private CodeInfo?[] _codes = new CodeInfo?[64];
    private int[] _lines = new int[64];

    public int Depth { get; private set; }

    public ReadOnlySpan<RawFrame> Frames => _frames.AsSpan(0, Depth);

    public ReadOnlySpan<CodeInfo?> Codes => _codes.AsSpan(0, Depth);

    /// <summary>Stands for "not found out" in <see cref="VerifiedSinceMs"/>.</summary>
    public const long NotVerified = long.MinValue;

    /// <summary>
    /// When (<see cref="CodeObjectCache.NowMs"/>) the code object of the walk checked longest ago was last checked,
    /// as far as the walk's own resolution found, when the cache trusted them all; <see cref="NotVerified"/> when it
    /// didn't find out. The cache trusts the whole walk while that check is recent (see
    /// <see cref="CodeObjectCache.TrustsWholeWalk"/>); a code object found replaced meanwhile is still caught when the
    /// next walk is resolved.
    /// </summary>
    public long VerifiedSinceMs { get; set; } = NotVerified;

    /// <summary>
    /// Makes room for a walk <paramref name="depth"/> frames deep, to be written over the slots in place: those
    /// below <see cref="Depth"/> hold the last walk until then. Every slot, once written, holds a frame and the
    /// code object and line it resolved to, so a walk given up halfway leaves nothing wrong behind.
    /// </summary>
    public void Reserve(int depth)
    {
        if (_frames.Length >= depth) return;
        var size = Math.Max(depth, _frames.Length * 2);
        Array.Resize(ref _frames, size);
        Array.Resize(ref _codes, size);
        Array.Resize(ref _lines, size);
    }

    public Span<RawFrame> FrameSlots => _frames;

    public Span<CodeInfo?> CodeSlots => _codes;

    public Span<int> LineSlots => _lines;

    /// <summary>
    /// Where from the base the walk has a frame at <paramref name="address"/>, or -1; for a walk whose frames lie at
    /// rising addresses from the base, as a walk within one data-stack chunk does (see <see cref="CallerBytes"/>).
    /// </summary>
    public int IndexOfFrame(ulong address)
    {
        int low = 0, high = Depth - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var at = _frames[middle].Address;
            if (at == address) return middle;
            if (at < address) low = middle + 1;
            else high = middle - 1;
        }
        return -1;
    }

    /// <summary>The slots now hold a whole walk this deep.</summary>
    public void Keep(int depth)
    {
        // Code objects of frames that have returned are not kept alive.
        if (depth < Depth) Array.Clear(_codes, depth, Depth - depth);
        Depth = depth;
    }

    /// <summary>Keeps a complete walk: <paramref name="raw"/> innermost first, and the last <c>raw.Count</c> entries of <paramref name="resolved"/>.</summary>
    public void Remember(List<RawFrame> raw, List<RemoteFrame> resolved)
    {
        var count = raw.Count;
        Reserve(count);
        var first = resolved.Count - count;
        for (var fromBase = 0; fromBase < count; fromBase++)
        {
            var i = count - 1 - fromBase;
            _frames[fromBase] = raw[i];
            _codes[fromBase] = resolved[first + i].Code;
            _lines[fromBase] = resolved[first + i].Line;
        }
        Keep(count);
    }
}
