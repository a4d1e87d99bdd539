using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Describes a remote object for a person: None, bools, ints, floats, strs and bytes by value (Python's repr, long ones
/// cut), anything else by its type's name. Only exact builtin types are read by value: a subclass may carry any layout
/// and repr, so it is named instead. Nothing here follows references, so cycles can't make it loop.
/// </summary>
internal sealed class RemoteValues(RemoteObjects objects, RemoteTypes types, RemoteInts ints)
{
    /// <summary>Characters of a str, or bytes of a bytes object, shown before the rest is cut.</summary>
    public const int MaxShown = 80;

    /// <summary>What a type name reads as when the type can't be read.</summary>
    public const string UnknownType = "?";

    private readonly IProcessMemory _memory = objects.Memory;
    private readonly PythonLayout _layout = objects.Layout;

    /// <summary>The object's type name and, for the simple builtins, its repr; Value is null for anything else.</summary>
    public (string TypeName, string? Value) Describe(ulong address)
    {
        var type = types.TypeOf(address);
        if (type == 0) return (UnknownType, null);
        if (types.IsNone(address, type)) return (objects.TypeName(type) ?? "NoneType", "None");
        var kind = types.KindOf(type);
        var value = kind switch
        {
            ObjectKind.Bool => Bool(address),
            ObjectKind.Int => ints.Format(address),
            ObjectKind.Float => _memory.TryReadStruct(address + (ulong)_layout.FloatValue, out double number) ? PythonRepr.Float(number) : null,
            ObjectKind.Str => Str(address),
            ObjectKind.Bytes => Bytes(address),
            _ => null,
        };
        return (objects.TypeName(type) ?? UnknownType, value);
    }

    private string? Bool(ulong address)
    {
        var builtins = types.Builtins;
        if (builtins.TrueObject != 0 && address == builtins.TrueObject) return "True";
        if (builtins.FalseObject != 0 && address == builtins.FalseObject) return "False";
        return ints.TryReadUInt64(address, out var value) && value <= 1 ? (value == 1 ? "True" : "False") : null;
    }

    private string? Str(ulong address)
    {
        Span<byte> header = stackalloc byte[_layout.UnicodeCompactSize];
        if (!_memory.TryRead(address, header)) return null;
        var length = RemoteReader.Int64(header, _layout.UnicodeLength);
        var state = (uint)RemoteReader.Int32(header, _layout.UnicodeState);
        var kind = (int)((state >> _layout.UnicodeKindShift) & 7);
        var compact = ((state >> _layout.UnicodeCompactBit) & 1) != 0;
        var ascii = ((state >> _layout.UnicodeAsciiBit) & 1) != 0;
        // Strs made by the pre-3.12 legacy C API are not compact; they are rare enough to show by type only.
        if (length < 0 || !compact || kind is not (1 or 2 or 4) || (ascii && kind != 1)) return null;

        var shown = (int)Math.Min(length, MaxShown);
        Span<byte> data = stackalloc byte[shown * kind];
        var start = address + (ulong)(ascii ? _layout.UnicodeAsciiSize : _layout.UnicodeCompactSize);
        if (!_memory.TryRead(start, data)) return null;
        Span<int> codePoints = stackalloc int[shown];
        for (var i = 0; i < shown; i++)
        {
            var c = kind switch
            {
                1 => data[i],
                2 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]),
                _ => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]),
            };
            // A code point the kind can't hold means the read was torn.
            if (c < 0 || c > 0x10ffff || (ascii && c > 0x7f)) return null;
            codePoints[i] = c;
        }
        return PythonRepr.Str(codePoints, length);
    }

    private string? Bytes(ulong address)
    {
        if (!_memory.TryReadInt64(address + (ulong)_layout.BytesSize, out var length) || length < 0) return null;
        Span<byte> data = stackalloc byte[(int)Math.Min(length, MaxShown)];
        return _memory.TryRead(address + (ulong)_layout.BytesData, data) ? PythonRepr.Bytes(data, length) : null;
    }
}
