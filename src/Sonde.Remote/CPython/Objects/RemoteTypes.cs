using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Tells which builtin type a remote type object is, and reads the fields that place an instance's attributes. A type
/// is matched by address against the target's exported symbols; only where a symbol is missing does its name count,
/// and then only for a static type, since any class can call itself <c>int</c>.
/// </summary>
internal sealed class RemoteTypes(RemoteObjects objects, BuiltinAddresses builtins)
{
    private const int MaxCachedKinds = 4096;

    private readonly PythonLayout _layout = objects.Layout;
    private readonly Dictionary<ulong, ObjectKind> _kindByName = [];
    private readonly (ulong Address, ObjectKind Kind)[] _known =
    [
        (builtins.StrType, ObjectKind.Str), (builtins.IntType, ObjectKind.Int), (builtins.BoolType, ObjectKind.Bool),
        (builtins.FloatType, ObjectKind.Float), (builtins.BytesType, ObjectKind.Bytes), (builtins.TupleType, ObjectKind.Tuple),
        (builtins.DictType, ObjectKind.Dict),
    ];
    private readonly bool _someUnknown = builtins.NoneObject == 0 || builtins.StrType == 0 || builtins.IntType == 0
        || builtins.BoolType == 0 || builtins.FloatType == 0 || builtins.BytesType == 0 || builtins.TupleType == 0 || builtins.DictType == 0;
    private readonly int _fieldsSize = Math.Max(Math.Max(objects.Layout.TypeFlags, objects.Layout.TypeDictOffset),
        Math.Max(objects.Layout.TypeBasicSize, objects.Layout.TypeItemSize)) + 8;

    public BuiltinAddresses Builtins => builtins;

    /// <summary>The type of the object at <paramref name="address"/>, or 0 when it can't be read.</summary>
    public ulong TypeOf(ulong address) =>
        RemoteReader.LooksLikeObjectPointer(address)
        && objects.Memory.TryReadPointer(address + (ulong)_layout.ObjectType, out var type)
        && RemoteReader.LooksLikeObjectPointer(type) ? type : 0;

    public ObjectKind KindOf(ulong type)
    {
        if (type == 0) return ObjectKind.Other;
        foreach (var (address, kind) in _known)
            if (address == type) return kind;
        if (!_someUnknown) return ObjectKind.Other;
        var byName = KindByName(type);
        return byName != ObjectKind.Other && AddressOf(byName) == 0 ? byName : ObjectKind.Other;
    }

    public bool IsNone(ulong address, ulong type) =>
        builtins.NoneObject != 0 ? address == builtins.NoneObject : KindByName(type) == ObjectKind.None;

    public bool TryReadFields(ulong type, out TypeFields fields)
    {
        Span<byte> block = stackalloc byte[_fieldsSize];
        if (!RemoteReader.LooksLikeObjectPointer(type) || !objects.Memory.TryRead(type, block))
        {
            fields = default;
            return false;
        }
        fields = new TypeFields(
            (ulong)RemoteReader.Int64(block, _layout.TypeFlags),
            RemoteReader.Int64(block, _layout.TypeBasicSize),
            RemoteReader.Int64(block, _layout.TypeItemSize),
            RemoteReader.Int64(block, _layout.TypeDictOffset));
        return fields.BasicSize > 0 && fields.BasicSize < 1 << 20 && fields.ItemSize >= 0 && fields.ItemSize < 1 << 20;
    }

    /// <summary><c>ht_cached_keys</c> of a heap type: the keys its instances' values are indexed by; 0 if none.</summary>
    public ulong CachedKeys(ulong type, in TypeFields fields) =>
        (fields.Flags & (ulong)_layout.TpFlagsHeapType) != 0
        && objects.Memory.TryReadPointer(type + (ulong)_layout.HeapTypeCachedKeys, out var keys)
        && RemoteReader.LooksLikeObjectPointer(keys) ? keys : 0;

    private ulong AddressOf(ObjectKind kind) => kind switch
    {
        ObjectKind.None => builtins.NoneObject,
        ObjectKind.Bool => builtins.BoolType,
        ObjectKind.Int => builtins.IntType,
        ObjectKind.Float => builtins.FloatType,
        ObjectKind.Str => builtins.StrType,
        ObjectKind.Bytes => builtins.BytesType,
        ObjectKind.Tuple => builtins.TupleType,
        ObjectKind.Dict => builtins.DictType,
        _ => 0,
    };

    private ObjectKind KindByName(ulong type)
    {
        if (_kindByName.TryGetValue(type, out var kind)) return kind;
        kind = ObjectKind.Other;
        if (TryReadFields(type, out var fields) && (fields.Flags & (ulong)_layout.TpFlagsHeapType) == 0)
        {
            kind = objects.TypeName(type) switch
            {
                "NoneType" => ObjectKind.None,
                "bool" => ObjectKind.Bool,
                "int" => ObjectKind.Int,
                "float" => ObjectKind.Float,
                "str" => ObjectKind.Str,
                "bytes" => ObjectKind.Bytes,
                "tuple" => ObjectKind.Tuple,
                "dict" => ObjectKind.Dict,
                _ => ObjectKind.Other,
            };
        }
        if (_kindByName.Count >= MaxCachedKinds) _kindByName.Clear();
        _kindByName[type] = kind;
        return kind;
    }
}
