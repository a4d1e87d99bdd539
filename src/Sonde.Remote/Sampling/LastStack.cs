using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>A thread's previous sample as <see cref="ProfileRecorder"/> interned it: frames outermost first, and the stack id of each prefix.</summary>
internal sealed class LastStack
{
    public CodeInfo?[] Codes { get; private set; } = new CodeInfo?[64];
    public int[] Lines { get; private set; } = new int[64];
    public int[] PrefixIds { get; private set; } = new int[64];
    public int Depth { get; set; }

    public void EnsureCapacity(int depth)
    {
        if (Codes.Length >= depth) return;
        var size = Math.Max(depth, Codes.Length * 2);
        var codes = Codes;
        var lines = Lines;
        var prefixIds = PrefixIds;
        Array.Resize(ref codes, size);
        Array.Resize(ref lines, size);
        Array.Resize(ref prefixIds, size);
        (Codes, Lines, PrefixIds) = (codes, lines, prefixIds);
    }
}
