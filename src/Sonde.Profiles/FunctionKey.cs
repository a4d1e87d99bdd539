namespace Sonde.Profiles;

/// <summary>A function, independent of the line it was executing: what reports aggregate by.</summary>
public readonly record struct FunctionKey(string Function, string File, int FirstLine, FrameKind Kind = FrameKind.Python)
{
    /// <summary><c>file:line(function)</c>, as pstats prints it.</summary>
    public string PstatsLabel => Kind is FrameKind.Python or FrameKind.Native && File.Length > 0
        ? $"{File}:{FirstLine}({Function})"
        : Function;

    public string Label => File.Length == 0 ? Function : FirstLine != 0 ? $"{Function} ({File}:{FirstLine})" : $"{Function} ({File})";
}
