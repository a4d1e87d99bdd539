namespace Sonde.Profiles;

/// <summary>
/// One interned frame. <see cref="Line"/> is the executing line when the profile keeps lines, and 0 when
/// frames are kept per function; <see cref="FirstLine"/> is the function's first line.
/// </summary>
public readonly record struct Frame(string Function, string File, int FirstLine, int Line = 0, FrameKind Kind = FrameKind.Python)
{
    public static Frame Pseudo(string label, FrameKind kind) => new(label, "", 0, 0, kind);

    public FunctionKey FunctionKey => new(Function, File, FirstLine, Kind);

    /// <summary>The line shown next to the name: the executing line when known, else the first line.</summary>
    public int DisplayLine => Line > 0 ? Line : FirstLine;

    /// <summary>
    /// <c>qualname (file:line)</c>, the label of folded stacks and flame graphs; <c>qualname (file)</c> when the line
    /// is unknown (0), as for frames read from a file that had none.
    /// </summary>
    public string Label => Kind is FrameKind.Python or FrameKind.Native && File.Length > 0
        ? DisplayLine != 0 ? $"{Function} ({File}:{DisplayLine})" : $"{Function} ({File})"
        : Function;
}
