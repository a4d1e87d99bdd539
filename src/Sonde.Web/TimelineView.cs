using Sonde.Profiles;

namespace Sonde.Web;

/// <summary>
/// Each thread's activity over time, summed into a fixed number of bins on the server so the page draws the same
/// few hundred rectangles whatever the sample count: its weight per bin, and when the sampler recorded thread
/// states, its samples per bin that were idle, running, and holding the GIL. <c>lanes</c> holds the memory series
/// over the same time axis (<see cref="MemoryLanes"/>).
/// </summary>
internal static class TimelineView
{
    public const int DefaultBins = 600;

    /// <summary>Fewer bins than this make a timeline too coarse to read, however few the samples.</summary>
    private const int MinBins = 60;

    /// <param name="maxBins">
    /// At most this many bins; fewer when the busiest thread has fewer than two samples per bin, so that a short
    /// recording at 100 Hz fills its lanes instead of drawing a comb of single samples.
    /// </param>
    public static byte[] Build(LoadedProfile loaded, int weight, int maxBins)
    {
        var profile = loaded.Profile;
        var count = profile.SampleCount;
        var threads = profile.Threads.Count;
        var perThread = new int[Math.Max(threads, 1)];
        long end = 0;
        for (var i = 0; i < count; i++)
        {
            end = Math.Max(end, profile.TimestampOf(i));
            var thread = profile.ThreadIndexOf(i);
            if ((uint)thread < (uint)threads) perThread[thread]++;
        }
        var bins = Math.Clamp(perThread.Max() / 2, Math.Min(MinBins, maxBins), maxBins);
        var memory = profile.Memory;
        if (memory is not null) end = Math.Max(end, MemoryLanes.End(memory));
        // Flat arrays, thread after thread: [thread * bins + bin], and for states [(thread * 3 + state) * bins + bin].
        var sums = new long[Math.Max(threads, 1) * bins];
        var hasStates = profile.HasThreadStates;
        // Samples per thread, state (idle, running, holding the GIL) and bin.
        var states = hasStates ? new int[Math.Max(threads, 1) * 3 * bins] : null;
        var width = Math.Max(1.0, (end + 1) / (double)bins);
        if (end > 0)
        {
            for (var i = 0; i < count; i++)
            {
                var thread = profile.ThreadIndexOf(i);
                if ((uint)thread >= (uint)threads) continue;
                var bin = Math.Min(bins - 1, (int)(profile.TimestampOf(i) / width));
                sums[thread * bins + bin] += profile.WeightOf(i, weight);
                if (states is not null && profile.ThreadStateOf(i) is var state && state != SampleState.Unknown)
                    states[(thread * 3 + (int)state - 1) * bins + bin]++;
            }
        }
        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            json.WriteNumber("endNs", end);
            json.WriteNumber("binNs", width);
            json.WriteNumber("weight", weight);
            json.WriteBoolean("hasTime", end > 0);
            json.WriteBoolean("hasStates", hasStates);
            json.WriteStartArray("threads");
            for (var t = 0; t < threads; t++)
            {
                json.WriteStartObject();
                json.WriteNumber("thread", t);
                json.WriteStartArray("bins");
                for (var b = 0; b < bins; b++) json.WriteNumberValue(sums[t * bins + b]);
                json.WriteEndArray();
                if (states is not null)
                {
                    json.WriteStartObject("states");
                    string[] names = ["idle", "running", "gil"];
                    for (var s = 0; s < names.Length; s++)
                    {
                        json.WriteStartArray(names[s]);
                        for (var b = 0; b < bins; b++) json.WriteNumberValue(states[(t * 3 + s) * bins + b]);
                        json.WriteEndArray();
                    }
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("lanes");
            if (memory is not null && end > 0) MemoryLanes.Write(json, memory, end, bins);
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
