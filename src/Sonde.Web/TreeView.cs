namespace Sonde.Web;

/// <summary>The merged call tree of one weight and thread, as the flame graph, icicle, sunburst and tree draw it.</summary>
internal static class TreeView
{
    public static byte[] Build(LoadedProfile loaded, int weight, int thread)
    {
        var tree = loaded.Tree(weight, thread);
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteNumber("weight", weight);
            json.WriteNumber("thread", thread);
            json.WriteNumber("total", tree.GrandTotal);
            JsonText.Numbers(json, "parent", tree.Parent);
            JsonText.Numbers(json, "fn", tree.Function);
            JsonText.Numbers(json, "own", tree.Own);
            JsonText.Numbers(json, "totals", tree.Total);
            json.WriteEndObject();
        });
    }
}
