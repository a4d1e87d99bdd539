using System.Text.Json;
using Sonde.Profiles.Views;

namespace Sonde.Web;

/// <summary>
/// Per-function own and total weight, and the caller → callee edges the table's callers and callees panes show.
/// An exact profile (cProfile, <c>sonde trace</c>) gives its counted calls and times instead of sampled weights.
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
                json.WriteStartArray("edges");
                foreach (var e in graph.Edges) Row(json, ids.IdOf(e.Caller), ids.IdOf(e.Callee), e.TotalNs, e.Calls);
                json.WriteEndArray();
            }
            else
            {
                JsonText.String(json, "unit", profile.WeightTypes[weight].Unit);
                json.WriteBoolean("calls", false);
                json.WriteNumber("total", loaded.Tree(weight, thread).GrandTotal);
                Func<int, bool>? include = thread < 0 ? null : t => t == thread;
                json.WriteStartArray("rows");
                foreach (var f in FunctionTable.Build(profile, weight, include)) Row(json, ids.IdOf(f.Function), f.Own, f.Total, null);
                json.WriteEndArray();
                json.WriteStartArray("edges");
                foreach (var e in EdgeTable.Build(profile, weight, include)) Row(json, ids.IdOf(e.Caller), ids.IdOf(e.Callee), e.Total, null);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
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
