using Sonde.Remote.CPython.Layouts;

namespace Sonde.Remote.CPython;

/// <summary>
/// Reads code objects once and keeps them by remote address. Code objects are immutable and usually live as
/// long as their function, so the cache turns most frames into a single lookup.
/// </summary>
internal sealed class CodeObjectCache(RemoteObjects objects)
{
    private const int MaxEntries = 200_000;

    private readonly Dictionary<ulong, CodeInfo> _byAddress = [];
    private readonly PythonLayout _layout = objects.Layout;
    private readonly int _headerSize = HeaderSize(objects.Layout);
    private ulong _codeType;

    public int Count => _byAddress.Count;

    public CodeInfo? Get(ulong address)
    {
        if (_byAddress.TryGetValue(address, out var info)) return info;
        info = Read(address);
        if (info is null) return null;
        if (_byAddress.Count >= MaxEntries) _byAddress.Clear();
        _byAddress[address] = info;
        return info;
    }

    private CodeInfo? Read(ulong address)
    {
        if (!RemoteReader.LooksLikeObjectPointer(address)) return null;
        Span<byte> header = stackalloc byte[_headerSize];
        if (!objects.Memory.TryRead(address, header)) return null;
        if (!IsCodeType(RemoteReader.Pointer(header, _layout.ObjectType))) return null;

        var filename = objects.ReadString(RemoteReader.Pointer(header, _layout.CodeFilename));
        var nameOffset = _layout.CodeQualname >= 0 ? _layout.CodeQualname : _layout.CodeName;
        var name = objects.ReadString(RemoteReader.Pointer(header, nameOffset));
        if (filename is null || name is null) return null;

        var firstLine = RemoteReader.Int32(header, _layout.CodeFirstLineNo);
        var tableOffset = _layout.CodeLinetable >= 0 ? _layout.CodeLinetable : _layout.CodeLnotab;
        var table = objects.ReadBytes(RemoteReader.Pointer(header, tableOffset)) ?? [];
        var bytecodeStart = _layout.CodeCodeAdaptive >= 0 ? address + (ulong)_layout.CodeCodeAdaptive : 0;
        return new CodeInfo(address, name, filename, firstLine, table, _layout.Minor, bytecodeStart);
    }

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
        int[] offsets = [l.ObjectType, l.CodeFilename, l.CodeName, l.CodeQualname, l.CodeFirstLineNo, l.CodeLnotab, l.CodeLinetable, l.CodeFlags];
        return offsets.Max() + 8;
    }
}
