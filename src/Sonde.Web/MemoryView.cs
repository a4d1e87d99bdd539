using System.Text.Json;
using Sonde.Profiles;
using Sonde.Profiles.Memory;

namespace Sonde.Web;

/// <summary>
/// The memory tab of a profile that measured memory (<c>sonde mem</c>, <c>record</c>'s RSS): the totals (peak,
/// live at exit, tracemalloc's own use), peak RSS, the top allocation sites by line, what was live at exit by
/// function, the collections (per generation, a pause histogram, the longest pauses with their stacks), and object
/// growth by type with a reference chain. The allocation flame graphs are the flame graph's memory weights.
/// </summary>
internal static class MemoryView
{
    private const int TopRows = 50;

    /// <summary>Pause histogram bounds in nanoseconds (as <c>sonde mem</c>'s summary); the last bucket is open.</summary>
    private static readonly long[] _pauseBounds = [100_000, 1_000_000, 10_000_000, 100_000_000];

    public static byte[]? Build(LoadedProfile loaded)
    {
        var profile = loaded.Profile;
        if (profile.Memory is not { } memory) return null;
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("totals");
            foreach (var (name, value) in memory.Totals.Where(t => IsPlainName(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal)) json.WriteNumber(name, value);
            json.WriteEndObject();
            if (memory.Series.TryGetValue(MemoryData.RssSeries, out var rss) && rss.Count > 0)
            {
                json.WriteNumber("rssPeak", rss.Max(p => p.Value));
                json.WriteNumber("rssStart", rss[0].Value);
            }
            WriteSites(json, "sites", profile, WeightType.AllocBytes.Name, WeightType.AllocCount.Name, byLine: true);
            WriteSites(json, "leaked", profile, WeightType.LeakedBytes.Name, null, byLine: false);
            WriteCollections(json, profile, memory);
            WriteObjects(json, memory);
            json.WriteEndObject();
        });
    }

    // Totals are named by our own constants (peak-bytes, ...), but a hostile file could name them anything.
    private static bool IsPlainName(string name) => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>Rows of <c>[function, file, line, bytes, count]</c> grouped by each sample's innermost frame.</summary>
    private static void WriteSites(Utf8JsonWriter json, string property, Profile profile, string weightName, string? countName, bool byLine)
    {
        var weight = profile.WeightIndex(weightName);
        json.WriteStartArray(property);
        if (weight >= 0)
        {
            var counts = countName is null ? -1 : profile.WeightIndex(countName);
            var sites = AllocationSites.Sum(profile, weight, counts, byLine);
            foreach (var (site, sum) in sites.OrderByDescending(s => s.Value.Bytes).ThenBy(s => s.Key.File, StringComparer.Ordinal).ThenBy(s => s.Key.Line).Take(TopRows))
            {
                json.WriteStartArray();
                JsonText.StringValue(json, site.Function);
                JsonText.StringValue(json, site.File);
                json.WriteNumberValue(site.Line);
                json.WriteNumberValue(sum.Bytes);
                json.WriteNumberValue(sum.Count);
                json.WriteEndArray();
            }
        }
        json.WriteEndArray();
    }

    private static void WriteCollections(Utf8JsonWriter json, Profile profile, MemoryData memory)
    {
        var collections = memory.Collections;
        json.WriteStartObject("gc");
        json.WriteNumber("count", collections.Count);
        json.WriteNumber("totalNs", collections.Sum(c => c.DurationNs));
        var generations = new long[3];
        var buckets = new long[_pauseBounds.Length + 1];
        foreach (var collection in collections)
        {
            if ((uint)collection.Generation < (uint)generations.Length) generations[collection.Generation]++;
            var bucket = Array.FindIndex(_pauseBounds, bound => collection.DurationNs < bound);
            buckets[bucket < 0 ? _pauseBounds.Length : bucket]++;
        }
        JsonText.Numbers(json, "byGeneration", generations);
        JsonText.Numbers(json, "histogram", buckets);
        json.WriteStartArray("longest");
        foreach (var pause in memory.LongestPauses)
        {
            json.WriteStartObject();
            json.WriteNumber("t", pause.TimeNs);
            json.WriteNumber("ns", pause.DurationNs);
            json.WriteNumber("gen", pause.Generation);
            // The stack that triggered it, innermost first, as frame labels.
            json.WriteStartArray("stack");
            for (var s = pause.StackId; s >= 0 && s < profile.Stacks.Count; s = profile.Stacks.ParentOf(s))
                JsonText.StringValue(json, profile.Frames[profile.Stacks.FrameOf(s)].Label);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteObjects(Utf8JsonWriter json, MemoryData memory)
    {
        json.WriteNumber("objectCounts", memory.ObjectSnapshots.Count);
        json.WriteStartArray("growth");
        if (memory.ObjectSnapshots.Count > 1)
        {
            var first = memory.ObjectSnapshots[0].Types.ToDictionary(t => t.Type);
            var growth = memory.ObjectSnapshots[^1].Types
                .Select(t => (t.Type, Count: t.Count - (first.TryGetValue(t.Type, out var before) ? before.Count : 0), Bytes: t.Bytes - (before?.Bytes ?? 0), Now: t.Count))
                .Where(g => g.Count != 0).OrderByDescending(g => g.Count).ThenBy(g => g.Type, StringComparer.Ordinal).Take(TopRows);
            foreach (var (type, count, bytes, now) in growth)
            {
                json.WriteStartArray();
                JsonText.StringValue(json, type);
                json.WriteNumberValue(count);
                json.WriteNumberValue(bytes);
                json.WriteNumberValue(now);
                json.WriteEndArray();
            }
        }
        json.WriteEndArray();
        if (memory.ObjectChain is { } chain)
        {
            json.WriteStartObject("chain");
            JsonText.String(json, "type", chain.Type);
            json.WriteStartArray("steps");
            foreach (var step in chain.Steps) JsonText.StringValue(json, step);
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }
}
