namespace Sonde.Formats.Pprof;

/// <summary>One sample while it is decoded; the decoder reuses a single instance so samples don't allocate.</summary>
internal sealed class DecodedSample(int weightCount)
{
    /// <summary>Location ids, leaf first as the file has them.</summary>
    public List<ulong> Locations { get; } = [];

    public List<ulong> Values { get; } = [];

    /// <summary>The values as the model's weights, once their count is checked.</summary>
    public long[] Weights { get; } = new long[weightCount];

    public string? ThreadName { get; set; }
    public long? ThreadId { get; set; }
    public long? ProcessId { get; set; }

    public void Clear()
    {
        Locations.Clear();
        Values.Clear();
        ThreadName = null;
        ThreadId = null;
        ProcessId = null;
    }
}
