using Sonde.Agent;
using Sonde.Agent.Memory;
using Sonde.Metrics;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Metrics;

/// <summary>
/// `sonde mem --metrics ADDRESS:PORT`: serves the launched program's GC and tracemalloc figures on /metrics while
/// it runs, from what its agent sent so far (it reports every flush, about once a second). Only the launched
/// (root) process is exported, so the series don't multiply with the children it starts.
/// </summary>
internal static class AgentMetricsServer
{
    public static MetricsHttpServer Start(string listen, TraceSession session) =>
        MetricsHttpServer.Start(ListenAddress.Parse(listen), () => AgentRuntimeExposition.Write(Snapshot(session)));

    /// <exception cref="TargetException">No agent has reported yet (the scrape gets 503).</exception>
    private static AgentRuntimeSnapshot Snapshot(TraceSession session)
    {
        var root = session.LiveProcesses().FirstOrDefault(p => p.IsRoot && p.Traced)
                   ?? throw new TargetException($"process {session.ProcessId} has no agent reporting yet");
        var memory = root.Memory;
        var generations = memory.Collections
            .GroupBy(c => c.Generation)
            .OrderBy(g => g.Key)
            .Select(g => new GenerationTotals(g.Key, g.Count(), g.Sum(c => c.DurationNs) / 1e9, g.Sum(c => c.Collected), g.Sum(c => c.Uncollectable)))
            .ToList();
        TracedMemoryPoint? last = memory.Timeline.Count > 0 ? memory.Timeline[^1] : null;
        // The native engine's live bytes are estimates from sampled allocations, not tracemalloc's figures.
        var tracing = memory.Problem is null && last is not null && memory.Info is { Native: false };
        return new AgentRuntimeSnapshot(root.ProcessId, root.Description, generations,
            tracing ? last!.Value.Current : null, tracing ? last!.Value.Peak : null);
    }
}
