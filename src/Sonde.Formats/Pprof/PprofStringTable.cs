namespace Sonde.Formats.Pprof;

/// <summary>The string table a pprof profile refers into by index; entry 0 is always the empty string.</summary>
internal sealed class PprofStringTable
{
    private readonly List<string> _strings = [""];
    private readonly Dictionary<string, long> _indexes = new(StringComparer.Ordinal) { [""] = 0 };

    public IReadOnlyList<string> All => _strings;

    public long Index(string value)
    {
        if (_indexes.TryGetValue(value, out var index)) return index;
        index = _strings.Count;
        _strings.Add(value);
        _indexes.Add(value, index);
        return index;
    }
}
