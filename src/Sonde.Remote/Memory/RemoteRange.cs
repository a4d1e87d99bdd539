namespace Sonde.Remote.Memory;

/// <summary>A span of the target's address space: what <see cref="IProcessMemory.ReadMany"/> reads.</summary>
public readonly record struct RemoteRange(ulong Address, int Length)
{
    private const ulong PageSize = 4096;
    private const ulong PageMask = ~(PageSize - 1);

    /// <summary>
    /// Whether each of the two ranges starts no later than the page after the other one's last page. The smallest
    /// range covering both then covers no page neither of them reached, so it is mapped whenever they are, and
    /// reading it in one go can't fail where reading them apart would not.
    /// </summary>
    internal bool TouchesPagesOf(RemoteRange other) =>
        (Address & PageMask) <= ((other.Address + (ulong)other.Length - 1) & PageMask) + PageSize
        && (other.Address & PageMask) <= ((Address + (ulong)Length - 1) & PageMask) + PageSize;
}
