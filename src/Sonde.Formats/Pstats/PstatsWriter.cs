using Sonde.Profiles;
using Sonde.Profiles.CallGraph;
using Sonde.Profiles.Views;

namespace Sonde.Formats.Pstats;

/// <summary>
/// Writes the marshalled dict that <c>pstats.Stats</c> loads (and snakeviz, gprof2dot and friends through it).
/// A profile with a call graph is written exactly. A sampled profile has no call counts, so every count is 0
/// (pstats then leaves the per-call columns blank); own and total time per function and per caller come from
/// the stacks. pstats is a per-function format: <see cref="WriteOptions.Lines"/> and
/// <see cref="WriteOptions.ThreadRoots"/> do not apply.
/// </summary>
public sealed class PstatsWriter : IProfileWriter
{
    /// <summary>What one sample counts for when a profile carries no time at all: the default 100 Hz interval.</summary>
    public const double FallbackNanosecondsPerSample = 10_000_000;

    public string FormatName => "pstats";

    public bool DrawsThreadRoots => false;

    public void Write(Profile profile, Stream output, WriteOptions options)
    {
        var writer = new MarshalWriter(output);
        var keyRefs = new Dictionary<FunctionKey, int>();
        writer.WriteDictStart();
        if (profile.CallGraph is { } graph) WriteCallGraph(writer, keyRefs, graph);
        else WriteSampled(writer, keyRefs, profile, options);
        writer.WriteDictEnd();
        writer.Flush();
    }

    private static void WriteCallGraph(MarshalWriter writer, Dictionary<FunctionKey, int> keyRefs, CallGraphData graph)
    {
        foreach (var function in graph.Functions)
        {
            WriteKey(writer, keyRefs, function.Function);
            WriteStats(writer, function.PrimitiveCalls, function.Calls, function.OwnNs, function.TotalNs);
            var callers = graph.CallersOf(function.Function).ToList();
            writer.WriteDictStart();
            foreach (var edge in callers)
            {
                WriteKey(writer, keyRefs, edge.Caller);
                // A caller's numbers are in the other order: calls first, then primitive calls.
                writer.WriteTupleStart(4);
                writer.WriteInt(edge.Calls);
                writer.WriteInt(edge.PrimitiveCalls);
                writer.WriteFloat(Seconds(edge.OwnNs));
                writer.WriteFloat(Seconds(edge.TotalNs));
            }
            writer.WriteDictEnd();
        }
    }

    private static void WriteSampled(MarshalWriter writer, Dictionary<FunctionKey, int> keyRefs, Profile profile, WriteOptions options)
    {
        StackWeights.CheckWeightIndex(profile, options.WeightIndex);
        var (weightIndex, nsPerUnit) = TimeColumn(profile, options.WeightIndex);
        var callersByCallee = new Dictionary<FunctionKey, List<EdgeStatistics>>();
        foreach (var edge in EdgeTable.Build(profile, weightIndex))
        {
            if (!callersByCallee.TryGetValue(edge.Callee, out var list)) callersByCallee.Add(edge.Callee, list = []);
            list.Add(edge);
        }
        foreach (var function in FunctionTable.Build(profile, weightIndex))
        {
            WriteKey(writer, keyRefs, function.Function);
            WriteStats(writer, 0, 0, Scale(function.Own, nsPerUnit), Scale(function.Total, nsPerUnit));
            writer.WriteDictStart();
            foreach (var edge in callersByCallee.GetValueOrDefault(function.Function) ?? [])
            {
                WriteKey(writer, keyRefs, edge.Caller);
                writer.WriteTupleStart(4);
                writer.WriteInt(0);
                writer.WriteInt(0);
                writer.WriteFloat(Seconds(Scale(edge.Own, nsPerUnit)));
                writer.WriteFloat(Seconds(Scale(edge.Total, nsPerUnit)));
            }
            writer.WriteDictEnd();
        }
    }

    /// <summary>
    /// The chosen weight when it is a time; otherwise the profile's own time (its <c>wall</c> weight, or samples
    /// times the sampling interval); and for a profile that says nothing of time, the chosen weight at 10 ms a unit.
    /// </summary>
    private static (int WeightIndex, double NanosecondsPerUnit) TimeColumn(Profile profile, int chosen)
    {
        if (profile.WeightTypes[chosen].IsTime) return (chosen, 1);
        if (TimeScale.Of(profile) is { } scale) return (scale.WeightIndex, scale.NanosecondsPerUnit);
        return (chosen, FallbackNanosecondsPerSample);
    }

    private static void WriteKey(MarshalWriter writer, Dictionary<FunctionKey, int> keyRefs, FunctionKey key)
    {
        if (keyRefs.TryGetValue(key, out var index))
        {
            writer.WriteRef(index);
            return;
        }
        var (file, line, name) = PstatsKeys.FromFunctionKey(key);
        keyRefs.Add(key, writer.WriteTupleStart(3, remember: true));
        writer.WriteString(file);
        writer.WriteInt(line);
        writer.WriteString(name);
    }

    /// <summary>The start of a function's value, <c>(cc, nc, tt, ct, </c>, before its callers dict.</summary>
    private static void WriteStats(MarshalWriter writer, long primitiveCalls, long calls, long ownNs, long totalNs)
    {
        writer.WriteTupleStart(5);
        writer.WriteInt(primitiveCalls);
        writer.WriteInt(calls);
        writer.WriteFloat(Seconds(ownNs));
        writer.WriteFloat(Seconds(totalNs));
    }

    private static long Scale(long value, double nsPerUnit) => (long)Math.Round(value * nsPerUnit);

    private static double Seconds(long ns) => ns / 1e9;
}
