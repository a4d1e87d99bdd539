using Sonde.Remote.CPython.LineTables;

namespace Sonde.Remote.CPython;

/// <summary>What the sampler keeps of one remote code object: its names, and the line table to map instructions to lines.</summary>
public sealed class CodeInfo
{
    private readonly byte[] _lineTable;
    private readonly int _minor;
    private readonly Dictionary<int, int> _lineByOffset = [];
    private int _lastByteOffset = int.MinValue;
    private int _lastLine;

    internal CodeInfo(ulong address, CodeIdentity identity, string qualname, string filename, int firstLine, byte[] lineTable, int minor, ulong bytecodeStart, long knownSinceMs)
    {
        Address = address;
        Identity = identity;
        Qualname = qualname;
        Filename = filename;
        FirstLine = firstLine;
        _lineTable = lineTable;
        _minor = minor;
        BytecodeStart = bytecodeStart;
        KnownSinceMs = knownSinceMs;
    }

    public ulong Address { get; }
    internal CodeIdentity Identity { get; }
    public string Qualname { get; }
    public string Filename { get; }
    public int FirstLine { get; }

    /// <summary>Address of the first instruction (3.11+, where frames hold an instruction pointer).</summary>
    public ulong BytecodeStart { get; }

    /// <summary>When (<see cref="CodeObjectCache.NowMs"/>) this code object was first read at its address.</summary>
    internal long KnownSinceMs { get; }

    /// <summary>When its header was last read and found unchanged.</summary>
    internal long VerifiedAtMs { get; private set; }

    /// <summary>The globals of the frame that ran it when it was last checked.</summary>
    internal ulong Globals { get; private set; }

    /// <summary>A header read at its address found another code object there.</summary>
    internal bool Replaced { get; private set; }

    internal void Verified(ulong globals, long nowMs) => (Globals, VerifiedAtMs) = (globals, nowMs);

    internal void Replace() => Replaced = true;

    /// <summary>Free slot for consumers that map this code object to their own ids (one entry per line).</summary>
    public object? ConsumerCache { get; set; }

    public int LineForByteOffset(int byteOffset)
    {
        // Consecutive lookups mostly ask for the same instruction (recursion, a loop the sampler keeps finding).
        if (byteOffset == _lastByteOffset) return _lastLine;
        if (!_lineByOffset.TryGetValue(byteOffset, out var line))
        {
            line = LineNumbers.ForInstruction(_minor, _lineTable, FirstLine, byteOffset);
            if (_lineByOffset.Count < 4096) _lineByOffset[byteOffset] = line;
        }
        (_lastByteOffset, _lastLine) = (byteOffset, line);
        return line;
    }
}
