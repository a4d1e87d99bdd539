using System.Text.Json;
using Sonde.Profiles;

namespace Sonde.Formats.ChromeTrace;

/// <summary>
/// Chrome's Trace Event Format (JSON object form), which Perfetto, chrome://tracing and speedscope open: one
/// track per thread, named with metadata events, on which the sampled stacks become nested complete
/// (<c>X</c>) events with the frame's file and line as arguments. Timestamps are microseconds from the start
/// of the recording; see <see cref="ThreadTimeline"/> for how samples become events.
/// </summary>
/// <remarks>
/// A sample ending at its timestamp lasts as long as its time weight says: the chosen weight when it is a
/// time, else the profile's first time weight, else the nominal sampling interval (1 ms when unknown).
/// Threads are tracks already, so <see cref="WriteOptions.ThreadRoots"/> adds nothing here.
/// </remarks>
public sealed class ChromeTraceWriter : IProfileWriter
{
    private const long UnknownIntervalNs = 1_000_000;

    public string FormatName => "chrome";

    public bool DrawsThreadRoots => false;

    public void Write(Profile profile, Stream output, WriteOptions options)
    {
        StackWeights.CheckWeightIndex(profile, options.WeightIndex);
        var frames = new MergedFrames(profile, options.Lines);
        var stacks = new MergedStacks(profile, frames);
        var (duration, durationSource) = Durations(profile, options.WeightIndex);
        var byThread = SamplesByThread(profile, duration);
        var originNs = 0L;
        foreach (var samples in byThread)
            foreach (var i in samples) originNs = Math.Min(originNs, profile.TimestampOf(i) - duration(i));

        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartArray("traceEvents");
        WriteNames(json, profile, byThread, options.Title ?? profile.Metadata.Command);
        var timeline = new ThreadTimeline(json, frames, stacks.Table);
        for (var t = 0; t < byThread.Length; t++)
        {
            if (byThread[t].Count == 0) continue;
            var thread = profile.Threads[t];
            timeline.Begin(thread.ProcessId, thread.ThreadId);
            foreach (var i in byThread[t])
                timeline.Add(stacks.OfProfileStack(profile.StackIdOf(i)), profile.TimestampOf(i) - duration(i) - originNs, duration(i));
            timeline.End();
        }
        json.WriteEndArray();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartObject("otherData");
        json.WriteString("exporter", "sonde");
        if (profile.Metadata.Command is { } command) json.WriteString("command", command);
        json.WriteString("sampleDuration", durationSource);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>How long each sample lasts (see the class remarks), and where that comes from.</summary>
    private static (Func<int, long> Duration, string Source) Durations(Profile profile, int weightIndex)
    {
        var column = profile.WeightTypes[weightIndex].IsTime ? weightIndex : -1;
        for (var w = 0; column < 0 && w < profile.WeightTypes.Count; w++)
            if (profile.WeightTypes[w].IsTime) column = w;
        if (column >= 0) return (i => Math.Max(0, profile.WeightOf(i, column)), $"{profile.WeightTypes[column].Name} weight");
        var rate = profile.Metadata.Sampler.RequestedRateHz;
        var nominal = rate > 0 ? (long)Math.Round(1e9 / rate) : UnknownIntervalNs;
        return (_ => nominal, $"nominal interval of {nominal} ns");
    }

    /// <summary>Each thread's samples that last some time, in time order (recorded order among equal times).</summary>
    private static List<int>[] SamplesByThread(Profile profile, Func<int, long> duration)
    {
        var byThread = new List<int>[profile.Threads.Count];
        for (var t = 0; t < byThread.Length; t++) byThread[t] = [];
        for (var i = 0; i < profile.SampleCount; i++)
            if (duration(i) > 0) byThread[profile.ThreadIndexOf(i)].Add(i);
        foreach (var samples in byThread)
        {
            var sorted = true;
            for (var k = 1; k < samples.Count && sorted; k++) sorted = profile.TimestampOf(samples[k - 1]) <= profile.TimestampOf(samples[k]);
            if (!sorted) samples.Sort((a, b) => profile.TimestampOf(a) != profile.TimestampOf(b) ? profile.TimestampOf(a).CompareTo(profile.TimestampOf(b)) : a.CompareTo(b));
        }
        return byThread;
    }

    /// <summary>Metadata events naming each process and thread that has samples, threads in profile order.</summary>
    private static void WriteNames(Utf8JsonWriter json, Profile profile, List<int>[] byThread, string? command)
    {
        var processes = new HashSet<int>();
        for (var t = 0; t < byThread.Length; t++)
        {
            if (byThread[t].Count == 0) continue;
            var thread = profile.Threads[t];
            if (processes.Add(thread.ProcessId))
            {
                var name = command is not null && (profile.Metadata.ProcessId is null || profile.Metadata.ProcessId == thread.ProcessId)
                    ? command
                    : $"process {thread.ProcessId}";
                WriteMetadata(json, "process_name", thread.ProcessId, 0, "name", name);
            }
            WriteMetadata(json, "thread_name", thread.ProcessId, thread.ThreadId, "name", thread.Name);
            WriteMetadata(json, "thread_sort_index", thread.ProcessId, thread.ThreadId, "sort_index", t);
        }
    }

    private static void WriteMetadata(Utf8JsonWriter json, string name, int processId, long threadId, string key, object value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", processId);
        json.WriteNumber("tid", threadId);
        json.WriteStartObject("args");
        if (value is int number) json.WriteNumber(key, number);
        else json.WriteString(key, (string)value);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
