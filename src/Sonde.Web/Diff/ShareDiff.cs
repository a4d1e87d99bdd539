using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Web.Diff;

/// <summary>
/// The diff view's numbers: for every node of the new profile's merged tree, the base profile's weight along the
/// same path of functions, and per function both profiles' totals. The page colours by the change in share of
/// the whole (so profiles of different lengths compare), which keeps this deliberately simple; a statistical
/// diff can replace this one file.
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

        var baseNodes = new Dictionary<(int Parent, int Function), int>();
        for (var n = 0; n < baseTree.Count; n++) baseNodes[(baseTree.Parent[n], unionOfBase[baseTree.Function[n]])] = n;
        var matched = new int[tree.Count];
        var baseTotals = new long[tree.Count];
        for (var n = 0; n < tree.Count; n++)
        {
            var parent = tree.Parent[n];
            var baseParent = parent < 0 ? -1 : matched[parent];
            matched[n] = parent >= 0 && baseParent < 0 ? -1
                : baseNodes.GetValueOrDefault((baseParent, tree.Function[n]), -1);
            baseTotals[n] = matched[n] < 0 ? 0 : baseTree.Total[matched[n]];
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
            JsonText.Numbers(json, "parent", tree.Parent);
            JsonText.Numbers(json, "fn", tree.Function);
            JsonText.Numbers(json, "own", tree.Own);
            JsonText.Numbers(json, "totals", tree.Total);
            JsonText.Numbers(json, "base", baseTotals);
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
