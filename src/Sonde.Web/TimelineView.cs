namespace Sonde.Web;

/// <summary>
/// Each thread's activity over time, summed into a fixed number of bins on the server so the page draws the same
/// few hundred rectangles whatever the sample count. <c>lanes</c> holds other series over the same time axis
/// (RSS, GC) for sources that record them; each lane is <c>{name, unit, kind, t[], v[]}</c>.
/// </summary>
internal static class TimelineView
{
    public const int DefaultBins = 600;

    public static byte[] Build(LoadedProfile loaded, int weight, int bins)
    {
        var profile = loaded.Profile;
        var count = profile.SampleCount;
        long end = 0;
        for (var i = 0; i < count; i++) end = Math.Max(end, profile.TimestampOf(i));
        var threads = profile.Threads.Count;
        var sums = new long[Math.Max(threads, 1), bins];
        var width = Math.Max(1.0, (end + 1) / (double)bins);
        if (end > 0)
        {
            for (var i = 0; i < count; i++)
            {
                var thread = profile.ThreadIndexOf(i);
                if ((uint)thread >= (uint)threads) continue;
                var bin = Math.Min(bins - 1, (int)(profile.TimestampOf(i) / width));
                sums[thread, bin] += profile.WeightOf(i, weight);
            }
        }
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteNumber("endNs", end);
            json.WriteNumber("binNs", width);
            json.WriteNumber("weight", weight);
            json.WriteBoolean("hasTime", end > 0);
            json.WriteStartArray("threads");
            for (var t = 0; t < threads; t++)
            {
                json.WriteStartObject();
                json.WriteNumber("thread", t);
                json.WriteStartArray("bins");
                for (var b = 0; b < bins; b++) json.WriteNumberValue(sums[t, b]);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("lanes");
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
