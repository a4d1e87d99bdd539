namespace Sonde.Profiles;

/// <summary>What one weight column of the samples counts, e.g. <c>samples/count</c> or <c>cpu/nanoseconds</c>.</summary>
public sealed record WeightType(string Name, string Unit)
{
    public static readonly WeightType Samples = new("samples", "count");
    public static readonly WeightType WallTime = new("wall", "nanoseconds");
    public static readonly WeightType CpuTime = new("cpu", "nanoseconds");
    public static readonly WeightType Calls = new("calls", "count");
    public static readonly WeightType AllocBytes = new("alloc-bytes", "bytes");
    public static readonly WeightType AllocCount = new("alloc-count", "count");

    /// <summary>Bytes live at the moment of peak traced memory (<c>sonde mem</c>).</summary>
    public static readonly WeightType PeakBytes = new("peak-bytes", "bytes");

    /// <summary>Bytes still live when the program exited (<c>sonde mem</c>).</summary>
    public static readonly WeightType LeakedBytes = new("leaked-bytes", "bytes");

    /// <summary>Growth of the resident set while the stack was running (<c>sonde record</c>).</summary>
    public static readonly WeightType RssGrowth = new("rss-growth", "bytes");

    public bool IsTime => Unit == "nanoseconds";
}
