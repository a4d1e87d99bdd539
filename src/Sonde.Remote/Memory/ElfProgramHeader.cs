namespace Sonde.Remote.Memory;

/// <summary>A program header: how one segment of the file is laid out in memory.</summary>
public readonly record struct ElfProgramHeader(
    uint Type, uint Flags, ulong Offset, ulong VirtualAddress, ulong FileSize, ulong MemorySize, ulong Align)
{
    public const uint TypeLoad = 1;
    public const uint TypeDynamic = 2;

    public bool IsLoad => Type == TypeLoad;
}
