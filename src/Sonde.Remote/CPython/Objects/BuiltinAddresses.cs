using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Where the target keeps the builtin types and singletons whose objects Sonde formats, from the symbols libpython (or
/// a static python) exports. Comparing a type pointer with these addresses can't be fooled by a class that merely
/// calls itself <c>int</c>. A value is 0 when the binary doesn't export that symbol; readers then fall back to the
/// type's name, for static (non-heap) types only.
/// </summary>
public sealed record BuiltinAddresses(
    ulong NoneObject, ulong TrueObject, ulong FalseObject,
    ulong IntType, ulong BoolType, ulong FloatType, ulong StrType, ulong BytesType, ulong TupleType, ulong DictType)
{
    public static readonly BuiltinAddresses Unknown = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The absolute addresses of the symbols in an ELF loaded at <paramref name="loadBias"/>.</summary>
    public static BuiltinAddresses Resolve(ElfFile elf, ulong loadBias)
    {
        ulong At(string symbol) => elf.TryGetSymbol(symbol, out var found) && found.Value != 0 ? loadBias + found.Value : 0;
        return new BuiltinAddresses(
            At("_Py_NoneStruct"), At("_Py_TrueStruct"), At("_Py_FalseStruct"),
            At("PyLong_Type"), At("PyBool_Type"), At("PyFloat_Type"), At("PyUnicode_Type"), At("PyBytes_Type"),
            At("PyTuple_Type"), At("PyDict_Type"));
    }
}
