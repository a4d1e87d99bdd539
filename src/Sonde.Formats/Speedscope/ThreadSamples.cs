namespace Sonde.Formats.Speedscope;

/// <summary>One thread's samples in recorded order, a run of equal consecutive stacks kept as one sample.</summary>
internal sealed class ThreadSamples
{
    public List<int> Stacks { get; } = [];
    public List<long> Weights { get; } = [];
    public long Total { get; private set; }

    public void Add(int stackId, long weight)
    {
        Total += weight;
        var last = Stacks.Count - 1;
        if (last >= 0 && Stacks[last] == stackId) Weights[last] += weight;
        else
        {
            Stacks.Add(stackId);
            Weights.Add(weight);
        }
    }
}
