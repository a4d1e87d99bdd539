using Sonde.Profiles;

namespace Sonde.Cli.Reports;

/// <summary>
/// What every report view reads: per-function and per-edge numbers, either exact (from a call graph) or derived
/// from the samples, in one unit (nanoseconds, or a count such as samples when the profile has no time).
/// </summary>
internal sealed class ReportModel
{
    private readonly Lazy<IReadOnlyList<ReportEdge>> _edges;

    public ReportModel(Func<IReadOnlyList<ReportEdge>> edges) => _edges = new Lazy<IReadOnlyList<ReportEdge>>(edges);

    public required Profile Profile { get; init; }
    public required IReadOnlyList<string> Files { get; init; }
    public required string Formats { get; init; }
    public required IReadOnlyList<ReportFunction> Functions { get; init; }

    /// <summary>True when values are nanoseconds; otherwise they count <see cref="UnitName"/>.</summary>
    public required bool IsTime { get; init; }
    public required string UnitName { get; init; }

    /// <summary>Sum of own values: the whole profile, what percentages are of.</summary>
    public required long GrandTotal { get; init; }

    /// <summary>True when the numbers come from a call graph, so calls were counted.</summary>
    public required bool HasCalls { get; init; }
    public required long TotalCalls { get; init; }
    public required long PrimitiveCalls { get; init; }

    /// <summary>The sample weight column the stack-based views (tree, lines) use, and its nanoseconds per unit.</summary>
    public required int WeightIndex { get; init; }
    public required double NanosecondsPerUnit { get; init; }

    /// <summary>How many samples the numbers come from; null for a call graph.</summary>
    public long? SampleCount { get; init; }

    /// <summary>Set when time is a count of samples times the sampling interval.</summary>
    public double? SampleIntervalNs { get; init; }

    /// <summary>True when the stacks were estimated from a call graph (pstats files).</summary>
    public required bool StacksEstimated { get; init; }

    public Func<int, bool>? IncludeThread { get; init; }

    public IReadOnlyList<ReportEdge> Edges => _edges.Value;

    /// <summary>A sample weight in the report's unit.</summary>
    public long FromWeight(long weight) => IsTime ? (long)Math.Round(weight * NanosecondsPerUnit) : weight;
}
