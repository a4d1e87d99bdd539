namespace Sonde.Profiles.Lines;

/// <summary>
/// The timed lines of one function, in one thread (<see cref="ThreadIndex"/>, or -1 once threads are summed).
/// <see cref="Source"/> holds the function's text from its first line (<see cref="FunctionKey.FirstLine"/>) on,
/// as the process read it; empty when it couldn't.
/// </summary>
public sealed record FunctionLineTimings(FunctionKey Function, int ThreadIndex, IReadOnlyList<LineTiming> Lines, IReadOnlyList<string> Source)
{
    public long TotalNs => Lines.Sum(l => l.TimeNs);

    /// <summary>The source text of a line, or null when it isn't known.</summary>
    public string? SourceOf(int line)
    {
        var index = line - Function.FirstLine;
        return index >= 0 && index < Source.Count ? Source[index] : null;
    }
}
