namespace Sonde.Formats.Dot;

/// <summary>What the call graph leaves out, as shares of the total weight.</summary>
/// <param name="NodeThresholdPercent">Functions whose total is below this share are left out, with their edges.</param>
/// <param name="EdgeThresholdPercent">Calls that carry less than this share are left out.</param>
public sealed record DotOptions(double NodeThresholdPercent = 0.5, double EdgeThresholdPercent = 0.1)
{
    public static readonly DotOptions Default = new();
}
