namespace Sonde.Formats.Pstats;

/// <summary>
/// What a reader of profiles needs from a marshalled code object: the pure-Python <c>profile</c> module puts
/// one in a key now and then (<c>('profile', 0, &lt;code object&gt;)</c>).
/// </summary>
internal sealed record MarshalCode(string Name, string Filename, int FirstLine)
{
    /// <summary>The code object as Python shows it, less its address.</summary>
    public override string ToString() => $"<code object {Name}, file \"{Filename}\", line {FirstLine}>";
}
