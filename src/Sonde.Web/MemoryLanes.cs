using System.Text.Json;
using Sonde.Profiles.Memory;

namespace Sonde.Web;

/// <summary>
/// The timeline's memory lanes: RSS and traced bytes as lines (<c>kind: "line"</c>, <c>{t[], v[]}</c>), and every
/// garbage collection as a mark (<c>kind: "marks"</c>: start <c>t[]</c>, pause <c>v[]</c> in nanoseconds,
/// <c>gen[]</c>, <c>collected[]</c>).
/// </summary>
internal static class MemoryLanes
{
    /// <summary>Above this many points a series is reduced to each bin's highest value, which keeps every peak.</summary>
    private const int MaxLinePoints = 4000;
    /// <summary>A run of hours can collect millions of times; beyond this only the longest pauses are drawn.</summary>
    private const int MaxMarks = 20000;

    private static readonly (string Series, string Name)[] _lines =
        [(MemoryData.RssSeries, "RSS"), (MemoryData.TracedSeries, "traced memory")];

    /// <summary>The last time any series or collection reaches, in nanoseconds since the start.</summary>
    public static long End(MemoryData memory)
    {
        long end = 0;
        foreach (var (series, _) in _lines)
            if (memory.Series.TryGetValue(series, out var points) && points.Count > 0) end = Math.Max(end, points[^1].TimeNs);
        foreach (var collection in memory.Collections) end = Math.Max(end, collection.TimeNs + collection.DurationNs);
        return end;
    }

    public static void Write(Utf8JsonWriter json, MemoryData memory, long end, int bins)
    {
        foreach (var (series, name) in _lines)
        {
            if (!memory.Series.TryGetValue(series, out var points) || points.Count == 0) continue;
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("unit", "bytes");
            json.WriteString("kind", "line");
            var (t, v) = points.Count <= MaxLinePoints ? (points.Select(p => p.TimeNs).ToArray(), points.Select(p => p.Value).ToArray()) : Peaks(points, end, bins * 4);
            JsonText.Numbers(json, "t", t);
            JsonText.Numbers(json, "v", v);
            json.WriteEndObject();
        }
        if (memory.Collections.Count == 0) return;
        var marks = memory.Collections.Count <= MaxMarks
            ? memory.Collections
            : [.. memory.Collections.OrderByDescending(c => c.DurationNs).Take(MaxMarks).OrderBy(c => c.TimeNs)];
        json.WriteStartObject();
        json.WriteString("name", "GC");
        json.WriteString("unit", "nanoseconds");
        json.WriteString("kind", "marks");
        JsonText.Numbers(json, "t", marks.Select(c => c.TimeNs).ToArray());
        JsonText.Numbers(json, "v", marks.Select(c => c.DurationNs).ToArray());
        JsonText.Numbers(json, "gen", marks.Select(c => c.Generation).ToArray());
        JsonText.Numbers(json, "collected", marks.Select(c => c.Collected).ToArray());
        json.WriteEndObject();
    }

    private static (long[] T, long[] V) Peaks(List<TimelinePoint> points, long end, int bins)
    {
        var width = Math.Max(1.0, (end + 1) / (double)bins);
        var t = new List<long>();
        var v = new List<long>();
        var current = -1;
        foreach (var point in points)
        {
            var bin = Math.Min(bins - 1, (int)(point.TimeNs / width));
            if (bin != current)
            {
                current = bin;
                t.Add(point.TimeNs);
                v.Add(point.Value);
            }
            else if (point.Value > v[^1]) v[^1] = point.Value;
        }
        return ([.. t], [.. v]);
    }
}
