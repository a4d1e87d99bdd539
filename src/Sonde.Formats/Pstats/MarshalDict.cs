namespace Sonde.Formats.Pstats;

/// <summary>A marshalled dict, kept as its key/value pairs in file order.</summary>
internal sealed class MarshalDict
{
    public List<KeyValuePair<object?, object?>> Items { get; } = [];
}
