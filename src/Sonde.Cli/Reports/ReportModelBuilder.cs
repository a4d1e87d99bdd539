using System.Globalization;
using Sonde.Cli.Console;
using Sonde.Profiles;
using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Views;

namespace Sonde.Cli.Reports;

/// <summary>Turns a profile into a <see cref="ReportModel"/>: the exact call graph when there is one, else the samples.</summary>
internal static class ReportModelBuilder
{
    /// <param name="weightIndex">A weight chosen by <c>--metric</c>, reported in its own unit; null for the profile's time or first weight.</param>
    public static ReportModel Build(Profile profile, IReadOnlyList<string> files, long? threadId, int? weightIndex = null)
    {
        var formats = profile.Metadata.Properties.GetValueOrDefault("source.format") ?? "unknown";
        Func<int, bool>? includeThread = null;
        if (threadId is { } tid)
        {
            if (profile.CallGraph is not null)
                throw new UsageException("--thread: a pstats profile has no per-thread data (cProfile records one thread); leave --thread out");
            includeThread = ThreadFilter(profile, tid);
        }

        var scale = weightIndex is null ? TimeScale.Of(profile) : null;
        var stackWeight = weightIndex ?? scale?.WeightIndex ?? 0;
        var nsPerUnit = scale?.NanosecondsPerUnit ?? 1;
        var stacksEstimated = CallGraphStacks.AreEstimated(profile);

        if (weightIndex is null && profile.CallGraph is { } graph)
        {
            return new ReportModel(() => graph.Edges.Select(e => new ReportEdge(e.Caller, e.Callee, e.Calls, e.PrimitiveCalls, e.OwnNs, e.TotalNs)).ToList())
            {
                Profile = profile,
                Files = files,
                Formats = formats,
                Functions = graph.Functions.Select(f => new ReportFunction(f.Function, f.Calls, f.PrimitiveCalls, f.OwnNs, f.TotalNs)).ToList(),
                IsTime = true,
                UnitName = "nanoseconds",
                GrandTotal = graph.TotalOwnNs,
                HasCalls = graph.HasCallCounts,
                TotalCalls = graph.TotalCalls,
                PrimitiveCalls = graph.TotalPrimitiveCalls,
                WeightIndex = stackWeight,
                NanosecondsPerUnit = nsPerUnit,
                StacksEstimated = stacksEstimated,
            };
        }

        var isTime = scale is not null;
        long Convert(long weight) => isTime ? (long)Math.Round(weight * nsPerUnit) : weight;
        var functions = FunctionTable.Build(profile, stackWeight, includeThread)
            .Select(f => new ReportFunction(f.Function, 0, 0, Convert(f.Own), Convert(f.Total))).ToList();
        return new ReportModel(() => EdgeTable.Build(profile, stackWeight, includeThread)
            .Select(e => new ReportEdge(e.Caller, e.Callee, 0, 0, Convert(e.Own), Convert(e.Total))).ToList())
        {
            Profile = profile,
            Files = files,
            Formats = formats,
            Functions = functions,
            IsTime = isTime,
            UnitName = isTime ? "nanoseconds" : weightIndex is not null ? profile.WeightTypes[stackWeight].Unit : profile.WeightTypes[stackWeight].Name,
            GrandTotal = functions.Sum(f => f.Own),
            HasCalls = false,
            TotalCalls = 0,
            PrimitiveCalls = 0,
            WeightIndex = stackWeight,
            NanosecondsPerUnit = nsPerUnit,
            SampleCount = CountSamples(profile, includeThread),
            SampleIntervalNs = scale is { Estimated: true } ? scale.NanosecondsPerUnit : null,
            StacksEstimated = stacksEstimated,
            IncludeThread = includeThread,
        };
    }

    private static long CountSamples(Profile profile, Func<int, bool>? includeThread)
    {
        if (includeThread is null) return profile.SampleCount;
        long count = 0;
        for (var i = 0; i < profile.SampleCount; i++)
            if (includeThread(profile.ThreadIndexOf(i))) count++;
        return count;
    }

    private static Func<int, bool> ThreadFilter(Profile profile, long threadId)
    {
        var indexes = new HashSet<int>();
        for (var i = 0; i < profile.Threads.Count; i++)
            if (profile.Threads[i].ThreadId == threadId) indexes.Add(i);
        if (indexes.Count > 0) return indexes.Contains;
        // Thread names come from the target: escaped, since this message goes to the terminal.
        var known = profile.Threads.Take(20).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.ThreadId} ({TerminalText.Escape(t.Name)})"));
        throw new UsageException($"--thread {threadId}: no such thread in this profile; it has: {string.Join(", ", known)}");
    }
}
