namespace Sonde.Remote.Memory;

/// <summary><c>e_type</c>: whether the file is loaded at a fixed address (<see cref="Executable"/>) or anywhere.</summary>
public enum ElfFileType : ushort
{
    None = 0,
    Relocatable = 1,
    Executable = 2,
    SharedObject = 3,
    Core = 4,
}
