using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Resolves a walk's code objects. Their headers are read in one batched call and checked against the cached
/// <see cref="CodeIdentity"/>, so a stale entry for a reused address is caught, and only code objects not seen
/// before have their names and line tables read. The caller's <see cref="PointerCheck"/>s are read in the same
/// call, after the headers, so confirming that a walk was not torn costs no syscall of its own.
/// </summary>
internal sealed class CodeObjectCache(RemoteObjects objects)
{
    private const int MaxEntries = 200_000;
    private const int CheckSize = 8;

    private readonly Dictionary<ulong, CodeInfo> _byAddress = [];
    private readonly Dictionary<ulong, int> _slotByAddress = [];
    private readonly List<RemoteRange> _ranges = [];
    private readonly PythonLayout _layout = objects.Layout;
    private readonly int _headerSize = HeaderSize(objects.Layout);
    private byte[] _headers = new byte[4096];
    private ulong _codeType;

    public int Count => _byAddress.Count;

    public int HeaderBytes => _headerSize;

    /// <summary>
    /// Appends a resolved frame per raw frame, in order. The headers come from <paramref name="prefetched"/> when it
    /// holds them all and there is nothing to check; otherwise they are read now, and <paramref name="checks"/> in
    /// the same call after them. False when a check no longer holds, or a code object can't be read or isn't one.
    /// </summary>
    public bool Resolve(List<RawFrame> raw, List<RemoteFrame> resolved, PrefetchedHeaders? prefetched, ReadOnlySpan<PointerCheck> checks)
    {
        var fromBatch = prefetched is not null && checks.IsEmpty;
        if (fromBatch)
        {
            ulong checkedCode = 0;
            foreach (var frame in raw)
            {
                // Recursion repeats a code object frame after frame; one lookup covers the run.
                if (frame.Code == checkedCode) continue;
                if (!prefetched!.Contains(frame.Code)) { fromBatch = false; break; }
                checkedCode = frame.Code;
            }
        }
        if (!fromBatch && !ReadHeaders(raw, checks)) return false;

        CodeInfo? last = null;
        ulong lastAddress = 0;
        foreach (var frame in raw)
        {
            if (last is null || frame.Code != lastAddress)
            {
                ReadOnlySpan<byte> header;
                if (fromBatch) prefetched!.TryGet(frame.Code, _headerSize, out header);
                else header = _headers.AsSpan(_slotByAddress[frame.Code] * _headerSize, _headerSize);
                last = Lookup(frame.Code, header);
                if (last is null) return false;
                lastAddress = frame.Code;
            }
            resolved.Add(new RemoteFrame(last, last.LineForByteOffset(frame.ByteOffset), frame.Address));
        }
        return true;
    }

    /// <summary>Reads every distinct header, then the checks, end to end into <see cref="_headers"/>.</summary>
    private bool ReadHeaders(List<RawFrame> raw, ReadOnlySpan<PointerCheck> checks)
    {
        _slotByAddress.Clear();
        _ranges.Clear();
        foreach (var frame in raw)
        {
            if (!_slotByAddress.TryAdd(frame.Code, _ranges.Count)) continue;
            if (!RemoteReader.LooksLikeObjectPointer(frame.Code)) return false;
            _ranges.Add(new RemoteRange(frame.Code, _headerSize));
        }
        var headerCount = _ranges.Count;
        foreach (var check in checks) _ranges.Add(new RemoteRange(check.Address, CheckSize));
        var needed = headerCount * _headerSize + checks.Length * CheckSize;
        if (_headers.Length < needed) _headers = new byte[needed * 2];
        var ranges = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ranges);
        var done = objects.Memory.ReadMany(ranges, _headers);
        // Reading stopped at a range that failed: read the rest one by one, in order, so the checks still come last.
        for (var i = done; i < ranges.Length; i++)
            if (!objects.Memory.TryRead(ranges[i].Address, _headers.AsSpan(OffsetOf(i, headerCount), ranges[i].Length)))
                return false;
        for (var i = 0; i < checks.Length; i++)
            if (RemoteReader.Pointer(_headers, OffsetOf(headerCount + i, headerCount)) != checks[i].Expected) return false;
        return true;
    }

    private int OffsetOf(int range, int headerCount) =>
        range < headerCount ? range * _headerSize : headerCount * _headerSize + (range - headerCount) * CheckSize;

    private CodeInfo? Lookup(ulong address, ReadOnlySpan<byte> header)
    {
        var identity = IdentityOf(header);
        if (_byAddress.TryGetValue(address, out var cached) && cached.Identity == identity) return cached;
        if (!IsCodeType(identity.Type)) return null;

        var filename = objects.ReadString(identity.Filename);
        var name = objects.ReadString(identity.Name);
        if (filename is null || name is null) return null;
        var table = objects.ReadBytes(identity.LineTable) ?? [];
        var bytecodeStart = _layout.CodeCodeAdaptive >= 0 ? address + (ulong)_layout.CodeCodeAdaptive : 0;
        var info = new CodeInfo(address, identity, name, filename, identity.FirstLine, table, _layout.Minor, bytecodeStart);
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
