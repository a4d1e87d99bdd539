namespace Sonde.Web;

/// <summary>The callers and callees of one function, each as <c>[fn, total, calls?]</c>, heaviest first.</summary>
internal static class RelationsView
{
    private const int MaxRows = 500;

    public static byte[] Build(CallEdgeRow[] edges, int function) => JsonText.Write(json =>
    {
        json.WriteStartObject();
        json.WriteNumber("fn", function);
        Write("callers", edges.Where(e => e.Callee == function).Select(e => (e.Caller, e)));
        Write("callees", edges.Where(e => e.Caller == function).Select(e => (e.Callee, e)));
        json.WriteEndObject();

        void Write(string name, IEnumerable<(int Other, CallEdgeRow Edge)> rows)
        {
            json.WriteStartArray(name);
            foreach (var (other, edge) in rows.OrderByDescending(r => r.Edge.Total).Take(MaxRows))
            {
                json.WriteStartArray();
                json.WriteNumberValue(other);
                json.WriteNumberValue(edge.Total);
                if (edge.Calls is { } calls) json.WriteNumberValue(calls);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
    });
}
