namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// A remote <c>PyDictKeysObject</c>, decoded and checked: where its <paramref name="Count"/> entries start and how
/// each is laid out. <paramref name="HashOffset"/> is -1 for the str-only entries of 3.11+, which keep no hash.
/// </summary>
internal readonly record struct DictKeysView(ulong Entries, int Count, int EntrySize, int KeyOffset, int ValueOffset, int HashOffset);
