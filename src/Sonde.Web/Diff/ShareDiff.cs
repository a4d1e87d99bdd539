using System.Runtime.InteropServices;
using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Web.Diff;

/// <summary>
/// The diff view's numbers: the merged tree of both profiles (a node per path of functions from the root that
/// either profile reached), each node's weight in the new profile and in the base, and per function both
/// profiles' totals. The page colours by the change in share of the whole (so profiles of different lengths
/// compare), which keeps this deliberately simple; a statistical diff can replace this one file.
/// </summary>
internal static class ShareDiff
{
    public static byte[] Build(LoadedProfile current, LoadedProfile baseline, int weight)
    {
        var baseWeight = baseline.Profile.WeightIndex(current.Profile.WeightTypes[weight].Name);
        if (baseWeight < 0) baseWeight = 0;
        var tree = current.Tree(weight, -1);
        var baseTree = baseline.Tree(baseWeight, -1);

        // Functions of both profiles in one numbering: the current profile's ids, then the base's own ones.
        var union = new FunctionIndex(current.Profile);
        var unionOfBase = baseline.Functions.Keys.Select(union.IdOf).ToArray();

        // One tree of the union of both: the new profile's nodes first, then each path only the base has, so a
        // frame that disappeared is drawn too (with no weight in the new profile).
        var nodes = new Dictionary<(int Parent, int Function), int>();
        var parents = new List<int>(tree.Parent);
        var functions = new List<int>(tree.Function);
        var own = new List<long>(tree.Own);
        var totals = new List<long>(tree.Total);
        var baseTotals = new List<long>(new long[tree.Count]);
        for (var n = 0; n < tree.Count; n++) nodes[(tree.Parent[n], tree.Function[n])] = n;
        var unionOfBaseNode = new int[baseTree.Count];
        for (var b = 0; b < baseTree.Count; b++)
        {
            var parent = baseTree.Parent[b] < 0 ? -1 : unionOfBaseNode[baseTree.Parent[b]];
            var key = (parent, unionOfBase[baseTree.Function[b]]);
            if (!nodes.TryGetValue(key, out var node))
            {
                node = parents.Count;
                nodes.Add(key, node);
                parents.Add(parent);
                functions.Add(key.Item2);
                own.Add(0);
                totals.Add(0);
                baseTotals.Add(0);
            }
            unionOfBaseNode[b] = node;
            baseTotals[node] += baseTree.Total[b];
        }

        var currentTotals = FunctionTotals(current.Profile, weight, union);
        var previousTotals = FunctionTotals(baseline.Profile, baseWeight, union);
        var currentCount = current.Functions.Keys.Count;
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteNumber("total", tree.GrandTotal);
            json.WriteNumber("baseTotal", baseTree.GrandTotal);
            JsonText.String(json, "baseName", baseline.Name);
            JsonText.Numbers(json, "parent", CollectionsMarshal.AsSpan(parents));
            JsonText.Numbers(json, "fn", CollectionsMarshal.AsSpan(functions));
            JsonText.Numbers(json, "own", CollectionsMarshal.AsSpan(own));
            JsonText.Numbers(json, "totals", CollectionsMarshal.AsSpan(totals));
            JsonText.Numbers(json, "base", CollectionsMarshal.AsSpan(baseTotals));
            // Functions only the base has, numbered after the current profile's.
            SummaryView.WriteFunctions(json, union.Keys.Skip(currentCount).ToArray());
            json.WriteStartArray("rows");
            for (var f = 0; f < union.Keys.Count; f++)
            {
                var now = currentTotals.GetValueOrDefault(f);
                var before = previousTotals.GetValueOrDefault(f);
                if (now.Total == 0 && before.Total == 0) continue;
                json.WriteStartArray();
                json.WriteNumberValue(f);
                json.WriteNumberValue(now.Own);
                json.WriteNumberValue(now.Total);
                json.WriteNumberValue(before.Own);
                json.WriteNumberValue(before.Total);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static Dictionary<int, (long Own, long Total)> FunctionTotals(Profile profile, int weight, FunctionIndex union)
    {
        var totals = new Dictionary<int, (long, long)>();
        foreach (var f in FunctionTable.Build(profile, weight)) totals[union.IdOf(f.Function)] = (f.Own, f.Total);
        return totals;
    }
}
