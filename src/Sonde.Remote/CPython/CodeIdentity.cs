namespace Sonde.Remote.CPython;

/// <summary>
/// The fields that tell one code object from another at the same address. A code object can be freed (a module's
/// body after import, say) and its memory reused for a new one, so a cache hit by address alone could be stale.
/// </summary>
internal readonly record struct CodeIdentity(ulong Type, ulong Filename, ulong Name, ulong LineTable, int FirstLine);
