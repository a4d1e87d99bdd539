namespace Sonde.Remote.Memory;

/// <summary>A section header; <see cref="Address"/> is the link-time address (0 when not loaded).</summary>
public readonly record struct ElfSection(
    string Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, ulong EntrySize)
{
    public const uint TypeSymbolTable = 2;
    public const uint TypeStringTable = 3;
    public const uint TypeNoBits = 8;
    public const uint TypeDynamicSymbols = 11;

    /// <summary>.bss and friends take memory but no bytes in the file.</summary>
    public bool HasFileData => Type != TypeNoBits;
}
