namespace Sonde.Remote.Memory;

/// <summary>
/// A defined symbol. <see cref="Value"/> is the link-time address; add the load bias for the address in a
/// running process.
/// </summary>
public readonly record struct ElfSymbol(string Name, ulong Value, ulong Size, byte Type, ushort SectionIndex)
{
    public const byte TypeObject = 1;
    public const byte TypeFunction = 2;
}
