using System.Text;
using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Reads str and bytes objects and type names from the target. Every value is bounded and validated, since
/// a torn read can hand us any bytes: the caller gets null rather than garbage.
/// </summary>
internal sealed class RemoteObjects(IProcessMemory memory, PythonLayout layout)
{
    public const int MaxStringLength = 4096;
    public const int MaxBytesLength = 1 << 20;

    private const int MaxCachedTypeNames = 4096;

    private readonly Dictionary<ulong, string> _typeNames = [];

    public IProcessMemory Memory => memory;
    public PythonLayout Layout => layout;

    /// <summary>The <c>tp_name</c> of an object's type, cached by type address.</summary>
    public string? TypeNameOf(ulong objectAddress)
    {
        if (!memory.TryReadPointer(objectAddress + (ulong)layout.ObjectType, out var type) || !RemoteReader.LooksLikeObjectPointer(type))
            return null;
        return TypeName(type);
    }

    public string? TypeName(ulong typeAddress)
    {
        if (_typeNames.TryGetValue(typeAddress, out var cached)) return cached;
        if (!memory.TryReadPointer(typeAddress + (ulong)layout.TypeName, out var namePtr) || namePtr == 0) return null;
        var name = ReadCString(namePtr, 128);
        // A failed read isn't kept (the next look may succeed), and the cache is bounded: a long-lived target
        // (`sonde agent`, `top`) may create and free classes without end.
        if (name is null) return null;
        if (_typeNames.Count >= MaxCachedTypeNames) _typeNames.Clear();
        _typeNames[typeAddress] = name;
        return name;
    }

    public string? ReadCString(ulong address, int maxLength)
    {
        Span<byte> buffer = stackalloc byte[maxLength];
        // Reading a fixed block may cross into an unmapped page; fall back to smaller reads.
        for (var length = maxLength; length >= 16; length /= 2)
        {
            if (!memory.TryRead(address, buffer[..length])) continue;
            var end = buffer[..length].IndexOf((byte)0);
            return end < 0 ? null : Encoding.UTF8.GetString(buffer[..end]);
        }
        return null;
    }

    public bool IsOfType(ulong objectAddress, string typeName) => TypeNameOf(objectAddress) == typeName;

    /// <summary>Reads a compact str object (every str the interpreter creates for names and paths is compact).</summary>
    public string? ReadString(ulong address)
    {
        if (!RemoteReader.LooksLikeObjectPointer(address)) return null;
        Span<byte> header = stackalloc byte[layout.UnicodeCompactSize];
        if (!memory.TryRead(address, header)) return null;
        var length = RemoteReader.Int64(header, layout.UnicodeLength);
        var state = (uint)RemoteReader.Int32(header, layout.UnicodeState);
        var kind = (int)((state >> layout.UnicodeKindShift) & 7);
        var compact = ((state >> layout.UnicodeCompactBit) & 1) != 0;
        var ascii = ((state >> layout.UnicodeAsciiBit) & 1) != 0;
        if (length < 0 || length > MaxStringLength || !compact || kind is not (1 or 2 or 4)) return null;
        if (length == 0) return "";

        var dataAddress = address + (ulong)(ascii ? layout.UnicodeAsciiSize : layout.UnicodeCompactSize);
        var byteCount = (int)length * kind;
        var data = byteCount <= 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        if (!memory.TryRead(dataAddress, data)) return null;
        return kind switch
        {
            1 => ascii ? Encoding.ASCII.GetString(data) : Encoding.Latin1.GetString(data),
            2 => Encoding.Unicode.GetString(data),
            _ => Encoding.UTF32.GetString(data),
        };
    }

    public byte[]? ReadBytes(ulong address, int maxLength = MaxBytesLength)
    {
        if (!RemoteReader.LooksLikeObjectPointer(address)) return null;
        Span<byte> header = stackalloc byte[layout.BytesData];
        if (!memory.TryRead(address, header)) return null;
        var size = RemoteReader.Int64(header, layout.BytesSize);
        if (size < 0 || size > maxLength) return null;
        var data = new byte[size];
        return size == 0 || memory.TryRead(address + (ulong)layout.BytesData, data) ? data : null;
    }
}
