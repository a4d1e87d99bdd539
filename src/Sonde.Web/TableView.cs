using System.Text.Json;

namespace Sonde.Web;

/// <summary>
/// Per-function own and total weight for the function table; the callers and callees of the selected function
/// come from <see cref="RelationsView"/>, so the table's JSON stays small. An exact profile (cProfile, <c>sonde trace</c>) gives its counted calls and times instead of sampled weights.
/// </summary>
internal static class TableView
{
    public static byte[] Build(LoadedProfile loaded, int weight, int thread)
    {
        var profile = loaded.Profile;
        var ids = loaded.Functions;
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            if (profile.CallGraph is { HasCallCounts: true } graph && thread < 0)
            {
                json.WriteString("unit", "nanoseconds");
                json.WriteBoolean("calls", true);
                json.WriteNumber("total", graph.TotalOwnNs);
                json.WriteStartArray("rows");
                foreach (var f in graph.Functions) Row(json, ids.IdOf(f.Function), f.OwnNs, f.TotalNs, f.Calls);
                json.WriteEndArray();
            }
            else
            {
                var tree = loaded.Tree(weight, thread);
                JsonText.String(json, "unit", profile.WeightTypes[weight].Unit);
                json.WriteBoolean("calls", false);
                json.WriteNumber("total", tree.GrandTotal);
                var (own, total, _) = Aggregate(tree, ids.Keys.Count);
                json.WriteStartArray("rows");
                for (var f = 0; f < total.Length; f++)
                    if (total[f] != 0) Row(json, f, own[f], total[f], null);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// Per-function own and total weight, and per caller → callee total, from the merged tree rather than the
    /// samples: a node's total counts toward its function (or edge) unless an ancestor already counted it, which
    /// is what counting each function once per sample gives, at the cost of the tree's size instead of the
    /// sample count.
    /// </summary>
    internal static (long[] Own, long[] Total, Dictionary<(int Caller, int Callee), long> Edges) Aggregate(MergedTree tree, int functionCount)
    {
        var own = new long[functionCount];
        var total = new long[functionCount];
        var edges = new Dictionary<(int, int), long>();
        for (var n = 0; n < tree.Count; n++)
        {
            var fn = tree.Function[n];
            own[fn] += tree.Own[n];
            var outermost = true;
            for (var a = tree.Parent[n]; a >= 0 && outermost; a = tree.Parent[a]) outermost = tree.Function[a] != fn;
            if (outermost) total[fn] += tree.Total[n];

            var parent = tree.Parent[n];
            if (parent < 0) continue;
            var caller = tree.Function[parent];
            var outermostEdge = true;
            for (var m = parent; tree.Parent[m] >= 0 && outermostEdge; m = tree.Parent[m])
                outermostEdge = tree.Function[tree.Parent[m]] != caller || tree.Function[m] != fn;
            if (outermostEdge) edges[(caller, fn)] = edges.GetValueOrDefault((caller, fn)) + tree.Total[n];
        }
        return (own, total, edges);
    }

    /// <summary>
    /// Every caller → callee pair with its total (and calls, for an exact profile), which the relations view
    /// filters per function.
    /// </summary>
    public static CallEdgeRow[] Edges(LoadedProfile loaded, int weight, int thread)
    {
        var ids = loaded.Functions;
        if (loaded.Profile.CallGraph is { HasCallCounts: true } graph && thread < 0)
            return graph.Edges.Select(e => new CallEdgeRow(ids.IdOf(e.Caller), ids.IdOf(e.Callee), e.TotalNs, e.Calls)).ToArray();
        var (_, _, edges) = Aggregate(loaded.Tree(weight, thread), ids.Keys.Count);
        return edges.Select(e => new CallEdgeRow(e.Key.Caller, e.Key.Callee, e.Value, null)).ToArray();
    }

    /// <summary>One row as a short array: the table of a large profile has tens of thousands.</summary>
    private static void Row(Utf8JsonWriter json, long a, long b, long c, long? calls)
    {
        json.WriteStartArray();
        json.WriteNumberValue(a);
        json.WriteNumberValue(b);
        json.WriteNumberValue(c);
        if (calls is { } n) json.WriteNumberValue(n);
        json.WriteEndArray();
    }
}
