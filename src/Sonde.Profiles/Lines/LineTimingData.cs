namespace Sonde.Profiles.Lines;

/// <summary>
/// Exact line timings of chosen functions (<c>sonde trace --lines</c>), kept per thread so threads and processes
/// stay apart; <see cref="ByFunction"/> sums them for line_profiler-style tables.
/// </summary>
public sealed class LineTimingData
{
    private readonly List<FunctionLineTimings> _entries = [];

    public IReadOnlyList<FunctionLineTimings> Entries => _entries;

    public void Add(FunctionLineTimings entry) => _entries.Add(entry);

    /// <summary>Each function once, its lines summed over every thread, in the order functions first appear.</summary>
    public IReadOnlyList<FunctionLineTimings> ByFunction()
    {
        var order = new List<FunctionKey>();
        var lines = new Dictionary<FunctionKey, SortedDictionary<int, LineTiming>>();
        var sources = new Dictionary<FunctionKey, IReadOnlyList<string>>();
        foreach (var entry in _entries)
        {
            if (!lines.TryGetValue(entry.Function, out var byLine))
            {
                order.Add(entry.Function);
                lines.Add(entry.Function, byLine = []);
            }
            if (entry.Source.Count > 0 && !sources.ContainsKey(entry.Function)) sources.Add(entry.Function, entry.Source);
            foreach (var line in entry.Lines)
                byLine[line.Line] = byLine.TryGetValue(line.Line, out var sum) ? sum.Plus(line) : line;
        }
        return order.Select(f => new FunctionLineTimings(f, -1, lines[f].Values.ToList(), sources.GetValueOrDefault(f) ?? [])).ToList();
    }
}
