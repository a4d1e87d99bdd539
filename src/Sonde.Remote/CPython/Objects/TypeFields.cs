namespace Sonde.Remote.CPython.Objects;

/// <summary>The fields of a remote type object that say where its instances keep their attributes.</summary>
internal readonly record struct TypeFields(ulong Flags, long BasicSize, long ItemSize, long DictOffset);
