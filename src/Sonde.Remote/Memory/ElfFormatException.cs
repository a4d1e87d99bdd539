using Sonde.Profiles.Errors;

namespace Sonde.Remote.Memory;

/// <summary>A binary mapped by the target is not an ELF file Sonde can read (exit 3, like any unreadable target).</summary>
public sealed class ElfFormatException(string path, string reason, Exception? inner = null)
    : TargetException($"{path} is not an ELF file Sonde can read: {reason}", inner)
{
    public string Path { get; } = path;
}
