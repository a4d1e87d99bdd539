using System.Diagnostics;
using System.Runtime.InteropServices;
using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Resolves a walk's code objects. A code object's header is read and checked against the cached
/// <see cref="CodeIdentity"/>, so that a stale entry for a reused address is caught, and only code objects not seen
/// before have their names and line tables read. Reading a header costs a range in a <c>process_vm_readv</c> (0.4 us
/// here), most of a deep stack's tick, so a header is not read when the cache can vouch for it (see
/// <see cref="Trusts"/>). The caller's <see cref="PointerCheck"/>s are read in the same call as the headers, after
/// them, so confirming that a walk was not torn costs no syscall of its own.
/// </summary>
internal sealed class CodeObjectCache(RemoteObjects objects)
{
    private const int MaxEntries = 200_000;
    private const int CheckSize = 8;

    private readonly Dictionary<ulong, CodeInfo> _byAddress = [];
    private readonly Dictionary<ulong, int> _offsetByAddress = [];
    private readonly ReadPlan _read = new();
    private readonly List<RemoteRange> _headers = [];
    private readonly PythonLayout _layout = objects.Layout;
    private readonly int _headerSize = HeaderSize(objects.Layout);
    private int[] _offsets = new int[64];
    private CodeInfo?[] _trusted = new CodeInfo?[64];
    private ulong _codeType;

    public int Count => _byAddress.Count;

    /// <summary>A code object is trusted without a look only once it has been known this long...</summary>
    public long TrustAfterMs { get; set; } = 500;

    /// <summary>...and only this long after its header was last read.</summary>
    public long ReverifyAfterMs { get; set; } = 25;

    public int HeaderBytes => _headerSize;

    /// <summary>
    /// The clock the trust windows are measured on, in milliseconds. Not <see cref="Environment.TickCount64"/>,
    /// which on Linux advances in steps of the coarse clock (4 ms here) and would stretch a 25 ms window to 29.
    /// </summary>
    public static long NowMs() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000);

    /// <summary>
    /// Whether a frame running this code object under <paramref name="globals"/> can be resolved from the cache
    /// without reading its header. A code object can be freed, and its address reused by another, only when nothing
    /// runs it. The cache trusts an entry that has been known for <see cref="TrustAfterMs"/> (code made and dropped
    /// in a loop, such as exec'd templates, is read every time), that was checked within
    /// <see cref="ReverifyAfterMs"/>, and whose frames run under the same globals as when it was checked: the code
    /// of another module at the same address would run under that module's globals, which the first module's,
    /// still alive in sys.modules, can't share an address with. A code object found replaced at its address is
    /// never trusted again.
    /// </summary>
    public bool Trusts(CodeInfo info, ulong globals, long nowMs) =>
        !info.Replaced && info.Globals == globals && nowMs - info.VerifiedAtMs < ReverifyAfterMs && nowMs - info.KnownSinceMs >= TrustAfterMs;

    /// <summary>Whether the cache vouches for every code object of the walk at once, its oldest check being recent enough.</summary>
    public bool TrustsWholeWalk(LastWalk walk, long nowMs) =>
        walk.VerifiedSinceMs != LastWalk.NotVerified && nowMs - walk.VerifiedSinceMs < ReverifyAfterMs;

    /// <summary>
    /// Appends a resolved frame per raw frame, in order. A header comes from <paramref name="prefetched"/> when it
    /// is there, from the cache when the cache trusts it, and is read now otherwise, together with
    /// <paramref name="checks"/>, which are read after the headers. False when a check no longer holds, or a code
    /// object can't be read or isn't one. <paramref name="last"/> is the thread's last walk, which this walk
    /// replaces when resolved (see <see cref="TryResolveTrusted"/>). The outermost <paramref name="reused"/> frames
    /// are the last walk's own, unchanged (see <see cref="IFrameWalker.ReusedFrames"/>).
    /// </summary>
    public bool Resolve(List<RawFrame> raw, List<RemoteFrame> resolved, PrefetchedHeaders? prefetched, ReadOnlySpan<PointerCheck> checks, LastWalk last, int reused)
    {
        var nowMs = NowMs();
        var batch = prefetched is { Count: > 0 } ? prefetched : null;
        var lastVerifiedSinceMs = last.VerifiedSinceMs;
        var reusedTrusted = TrustsWholeWalk(last, nowMs) ? Math.Min(reused, raw.Count) : 0;
        last.VerifiedSinceMs = LastWalk.NotVerified;
        if (batch is null && checks.IsEmpty && TryResolveTrusted(raw, resolved, last, nowMs, reusedTrusted, lastVerifiedSinceMs)) return true;
        _offsetByAddress.Clear();
        _headers.Clear();
        if (_trusted.Length < raw.Count) _trusted = new CodeInfo?[raw.Count * 2];
        for (var i = 0; i < raw.Count; i++)
        {
            var frame = raw[i];
            // Recursion repeats a code object frame after frame; one decision covers the run.
            if (i > 0 && frame.RunsSameCodeAs(raw[i - 1]))
            {
                _trusted[i] = _trusted[i - 1];
                continue;
            }
            _trusted[i] = null;
            if (batch?.Contains(frame.Code) == true) continue;
            if (_byAddress.TryGetValue(frame.Code, out var info) && Trusts(info, frame.Globals, nowMs))
            {
                _trusted[i] = info;
                continue;
            }
            if (!_offsetByAddress.TryAdd(frame.Code, _headers.Count)) continue;
            if (!RemoteReader.LooksLikeObjectPointer(frame.Code)) return false;
            _headers.Add(new RemoteRange(frame.Code, _headerSize));
        }
        if ((_headers.Count > 0 || !checks.IsEmpty) && !ReadHeaders(checks)) return false;

        CodeInfo? code = null;
        for (var i = 0; i < raw.Count; i++)
        {
            var frame = raw[i];
            if (i == 0 || !frame.RunsSameCodeAs(raw[i - 1]))
            {
                code = _trusted[i] ?? Verify(frame, batch, nowMs);
                if (code is null) return false;
            }
            resolved.Add(new RemoteFrame(code!, code!.LineForByteOffset(frame.ByteOffset), frame.Address));
        }
        last.Remember(raw, resolved);
        return true;
    }

    /// <summary>
    /// The usual tick, in one pass: every frame's code object is trusted, and needs no read. Consecutive walks
    /// of a thread mostly share their outer frames, so a frame running the same code under the same globals as
    /// the frame at its height from the base in the thread's <paramref name="last"/> walk takes the code object
    /// from there rather than from a lookup by address, and, at the same instruction, its line too. The walk is
    /// kept in <paramref name="last"/> as it goes, with when the code object checked longest ago was checked, which
    /// spares the next batch a look at each while that is recent. False, with nothing appended, when some header
    /// must be read. The outermost <paramref name="reused"/> frames are the last walk's, which the cache trusts as a
    /// whole (checked since <paramref name="lastVerifiedSinceMs"/>): they take its code objects and lines as they
    /// are, unless a code object was found replaced since.
    /// </summary>
    private bool TryResolveTrusted(List<RawFrame> raw, List<RemoteFrame> resolved, LastWalk last, long nowMs, int reused, long lastVerifiedSinceMs)
    {
        var frames = CollectionsMarshal.AsSpan(raw);
        var depth = frames.Length;
        var lastDepth = last.Depth;
        last.Reserve(depth);
        var lastFrames = last.FrameSlots;
        var lastCodes = last.CodeSlots;
        var lastLines = last.LineSlots;
        var start = resolved.Count;
        CollectionsMarshal.SetCount(resolved, start + depth);
        var output = CollectionsMarshal.AsSpan(resolved)[start..];
        var verifiedSince = long.MaxValue;
        CodeInfo? code = null;
        for (var i = 0; i < depth; i++)
        {
            ref readonly var frame = ref frames[i];
            var fromBase = depth - 1 - i;
            if (fromBase < reused)
            {
                var unchanged = lastCodes[fromBase]!;
                if (unchanged.Replaced || unchanged.Globals != frame.Globals)
                {
                    CollectionsMarshal.SetCount(resolved, start);
                    return false;
                }
                output[i] = new RemoteFrame(unchanged, lastLines[fromBase], frame.Address);
                continue;
            }
            ref var kept = ref lastFrames[fromBase];
            var same = fromBase < lastDepth && kept.RunsSameCodeAs(frame);
            if (i == 0 || !frame.RunsSameCodeAs(frames[i - 1]))
            {
                code = same ? lastCodes[fromBase] : null;
                if ((code is null && !_byAddress.TryGetValue(frame.Code, out code)) || !Trusts(code, frame.Globals, nowMs))
                {
                    CollectionsMarshal.SetCount(resolved, start);
                    return false;
                }
                verifiedSince = Math.Min(verifiedSince, code.VerifiedAtMs);
            }
            int line;
            if (same && kept.ByteOffset == frame.ByteOffset && ReferenceEquals(lastCodes[fromBase], code)) line = lastLines[fromBase];
            else
            {
                line = code!.LineForByteOffset(frame.ByteOffset);
                lastLines[fromBase] = line;
                // Rewriting an unchanged reference would cost the GC's write barrier for nothing.
                if (!ReferenceEquals(lastCodes[fromBase], code)) lastCodes[fromBase] = code;
            }
            kept = frame;
            output[i] = new RemoteFrame(code!, line, frame.Address);
        }
        last.Keep(depth);
        if (reused > 0) verifiedSince = Math.Min(verifiedSince, lastVerifiedSinceMs);
        if (verifiedSince != long.MaxValue) last.VerifiedSinceMs = verifiedSince;
        return true;
    }

    /// <summary>Checks the frame's code object against the header this tick read for it.</summary>
    private CodeInfo? Verify(in RawFrame frame, PrefetchedHeaders? batch, long nowMs)
    {
        if (_offsetByAddress.TryGetValue(frame.Code, out var slot))
            return Lookup(frame.Code, frame.Globals, _read.Buffer.AsSpan(_offsets[slot], _headerSize), nowMs);
        return batch is not null && batch.TryGet(frame.Code, _headerSize, out var header) ? Lookup(frame.Code, frame.Globals, header, nowMs) : null;
    }

    /// <summary>Reads the headers planned, then the checks, in one call.</summary>
    private bool ReadHeaders(ReadOnlySpan<PointerCheck> checks)
    {
        _read.Clear();
        if (_offsets.Length < _headers.Count) _offsets = new int[_headers.Count * 2];
        _read.AddInAddressOrder(CollectionsMarshal.AsSpan(_headers), _offsets);
        _read.Barrier();
        Span<int> checkOffsets = stackalloc int[checks.Length];
        for (var i = 0; i < checks.Length; i++) checkOffsets[i] = _read.Add(checks[i].Address, CheckSize);
        if (!_read.TryRead(objects.Memory)) return false;
        for (var i = 0; i < checks.Length; i++)
            if (RemoteReader.Pointer(_read.Buffer, checkOffsets[i]) != checks[i].Expected) return false;
        return true;
    }

    private CodeInfo? Lookup(ulong address, ulong globals, ReadOnlySpan<byte> header, long nowMs)
    {
        var identity = IdentityOf(header);
        if (_byAddress.TryGetValue(address, out var cached))
        {
            if (cached.Identity == identity)
            {
                cached.Verified(globals, nowMs);
                return cached;
            }
            // Walks remember code objects (LastWalk), so the one this address held must never be trusted again.
            cached.Replace();
        }
        if (!IsCodeType(identity.Type)) return null;

        var filename = objects.ReadString(identity.Filename);
        var name = objects.ReadString(identity.Name);
        if (filename is null || name is null) return null;
        var table = objects.ReadBytes(identity.LineTable) ?? [];
        var bytecodeStart = _layout.CodeCodeAdaptive >= 0 ? address + (ulong)_layout.CodeCodeAdaptive : 0;
        var info = new CodeInfo(address, identity, name, filename, identity.FirstLine, table, _layout.Minor, bytecodeStart, nowMs);
        info.Verified(globals, nowMs);
        if (_byAddress.Count >= MaxEntries) _byAddress.Clear();
        _byAddress[address] = info;
        return info;
    }

    private CodeIdentity IdentityOf(ReadOnlySpan<byte> header) => new(
        RemoteReader.Pointer(header, _layout.ObjectType),
        RemoteReader.Pointer(header, _layout.CodeFilename),
        RemoteReader.Pointer(header, _layout.CodeQualname >= 0 ? _layout.CodeQualname : _layout.CodeName),
        RemoteReader.Pointer(header, _layout.CodeLinetable >= 0 ? _layout.CodeLinetable : _layout.CodeLnotab),
        RemoteReader.Int32(header, _layout.CodeFirstLineNo));

    private bool IsCodeType(ulong type)
    {
        if (type == 0) return false;
        if (_codeType != 0) return type == _codeType;
        if (objects.TypeName(type) != "code") return false;
        _codeType = type;
        return true;
    }

    private static int HeaderSize(PythonLayout l)
    {
        int[] offsets = [l.ObjectType, l.CodeFilename, l.CodeName, l.CodeQualname, l.CodeFirstLineNo, l.CodeLnotab, l.CodeLinetable];
        return offsets.Max() + 8;
    }
}
