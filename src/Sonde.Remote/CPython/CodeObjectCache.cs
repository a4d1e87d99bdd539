using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Resolves a walk's code objects. Their headers are read in one batched call and checked against the cached
/// <see cref="CodeIdentity"/>, so a stale entry for a reused address is caught, and only code objects not seen
/// before have their names and line tables read.
/// </summary>
internal sealed class CodeObjectCache(RemoteObjects objects)
{
    private const int MaxEntries = 200_000;

    private readonly Dictionary<ulong, CodeInfo> _byAddress = [];
    private readonly Dictionary<ulong, int> _slotByAddress = [];
    private readonly List<RemoteRange> _ranges = [];
    private readonly PythonLayout _layout = objects.Layout;
    private readonly int _headerSize = HeaderSize(objects.Layout);
    private byte[] _headers = new byte[4096];
    private ulong _codeType;

    public int Count => _byAddress.Count;

    /// <summary>Appends a resolved frame per raw frame, in order. False when a code object can't be read or isn't one.</summary>
    public bool Resolve(List<RawFrame> raw, List<RemoteFrame> resolved)
    {
        _slotByAddress.Clear();
        _ranges.Clear();
        foreach (var frame in raw)
        {
            if (_slotByAddress.ContainsKey(frame.Code)) continue;
            _slotByAddress.Add(frame.Code, _ranges.Count);
            _ranges.Add(new RemoteRange(frame.Code, _headerSize));
        }
        if (!ReadHeaders()) return false;

        CodeInfo? last = null;
        ulong lastAddress = 0;
        foreach (var frame in raw)
        {
            if (last is null || frame.Code != lastAddress)
            {
                var slot = _slotByAddress[frame.Code];
                last = Lookup(frame.Code, _headers.AsSpan(slot * _headerSize, _headerSize));
                if (last is null) return false;
                lastAddress = frame.Code;
            }
            resolved.Add(new RemoteFrame(last, last.LineForByteOffset(frame.ByteOffset), frame.Address));
        }
        return true;
    }

    private bool ReadHeaders()
    {
        var needed = _ranges.Count * _headerSize;
        if (_headers.Length < needed) _headers = new byte[needed * 2];
        var ranges = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ranges);
        var done = objects.Memory.ReadMany(ranges, _headers);
        for (var i = done; i < ranges.Length; i++)
            if (!RemoteReader.LooksLikeObjectPointer(ranges[i].Address)
                || !objects.Memory.TryRead(ranges[i].Address, _headers.AsSpan(i * _headerSize, _headerSize)))
                return false;
        return true;
    }

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
