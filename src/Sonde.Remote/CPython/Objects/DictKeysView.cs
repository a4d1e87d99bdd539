namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// A remote <c>PyDictKeysObject</c>, decoded and checked: its index table (<paramref name="Slots"/> signed indices of
/// <paramref name="IndexWidth"/> bytes each), where its <paramref name="Count"/> entries start and how each is laid
/// out. <paramref name="HashOffset"/> is -1 for the str-only entries of 3.11+, which keep no hash.
/// </summary>
internal readonly record struct DictKeysView(
    ulong Indices, long Slots, int IndexWidth, ulong Entries, int Count, int EntrySize, int KeyOffset, int ValueOffset, int HashOffset);
