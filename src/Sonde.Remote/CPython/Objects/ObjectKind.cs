namespace Sonde.Remote.CPython.Objects;

/// <summary>The builtin types Sonde reads the contents of. Anything else, subclasses included, is <see cref="Other"/>.</summary>
internal enum ObjectKind
{
    Other,
    None,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    Tuple,
    Dict,
}
