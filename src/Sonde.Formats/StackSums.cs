using System.Runtime.InteropServices;
using Sonde.Profiles;

namespace Sonde.Formats;

/// <summary>
/// Every weight column summed per merged stack, or per thread and merged stack, in the order each first
/// occurs, with the number of samples in each. Writers that show all weights at once start from it.
/// </summary>
internal sealed class StackSums
{
    private readonly int _width;
    private readonly List<(int Thread, int Stack)> _keys = [];
    private readonly List<long> _weights = [];
    private readonly List<long> _counts = [];

    private StackSums(int width) => _width = width;

    public int Count => _keys.Count;

    /// <summary>The thread index, or -1 when stacks were not kept apart per thread.</summary>
    public int ThreadOf(int entry) => _keys[entry].Thread;

    public int StackOf(int entry) => _keys[entry].Stack;

    public long CountOf(int entry) => _counts[entry];

    public ReadOnlySpan<long> WeightsOf(int entry) =>
        CollectionsMarshal.AsSpan(_weights).Slice(entry * _width, _width);

    /// <summary>Samples without frames are left out; so are stacks whose every weight sums to zero.</summary>
    public static StackSums Collect(Profile profile, MergedStacks stacks, bool byThread)
    {
        var width = profile.WeightTypes.Count;
        var sums = new StackSums(width);
        var indexOf = new Dictionary<(int, int), int>();
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var stack = profile.StackIdOf(i);
            if (stack == StackTable.Root) continue;
            var key = (byThread ? profile.ThreadIndexOf(i) : -1, stacks.OfProfileStack(stack));
            if (!indexOf.TryGetValue(key, out var index))
            {
                index = sums._keys.Count;
                indexOf.Add(key, index);
                sums._keys.Add(key);
                sums._counts.Add(0);
                for (var w = 0; w < width; w++) sums._weights.Add(0);
            }
            sums._counts[index]++;
            for (var w = 0; w < width; w++) sums._weights[index * width + w] += profile.WeightOf(i, w);
        }
        sums.RemoveZeroEntries();
        return sums;
    }

    private void RemoveZeroEntries()
    {
        var kept = 0;
        for (var entry = 0; entry < _keys.Count; entry++)
        {
            var zero = true;
            for (var w = 0; w < _width; w++) zero &= _weights[entry * _width + w] == 0;
            if (zero) continue;
            _keys[kept] = _keys[entry];
            _counts[kept] = _counts[entry];
            for (var w = 0; w < _width; w++) _weights[kept * _width + w] = _weights[entry * _width + w];
            kept++;
        }
        _keys.RemoveRange(kept, _keys.Count - kept);
        _counts.RemoveRange(kept, _counts.Count - kept);
        _weights.RemoveRange(kept * _width, _weights.Count - kept * _width);
    }
}
