using System.Text.Json;
using Sonde.Profiles;

namespace Sonde.Formats.Speedscope;

/// <summary>
/// speedscope's JSON file format (https://www.speedscope.app/file-format-schema.json): one "sampled" profile per
/// thread, named by the thread's label, over frames shared by all of them. Samples stay in recorded order so
/// speedscope's time-order view works; consecutive samples of a thread with the same stack become one sample
/// with the summed weight, which that view draws the same and which keeps long recordings small.
/// </summary>
public sealed class SpeedscopeWriter : IProfileWriter
{
    public const string SchemaUrl = "https://www.speedscope.app/file-format-schema.json";

    public string FormatName => "speedscope";

    public void Write(Profile profile, Stream output, WriteOptions options)
    {
        StackWeights.CheckWeightIndex(profile, options.WeightIndex);
        var frames = new MergedFrames(profile, options.Lines);
        var threads = CollectSamples(profile, options.WeightIndex);
        if (options.ThreadRoots)
        {
            // Interned before the frames are written, so the roots are among them.
            for (var t = 0; t < threads.Length; t++)
                if (threads[t] != null) frames.OfThread(t);
        }

        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUrl);
        json.WriteString("exporter", "sonde");
        var name = options.Title ?? profile.Metadata.Command;
        if (name != null) json.WriteString("name", name);
        json.WriteNumber("activeProfileIndex", HeaviestProfileIndex(threads));

        json.WriteStartObject("shared");
        json.WriteStartArray("frames");
        for (var id = 0; id < frames.Count; id++) WriteFrame(json, frames[id]);
        json.WriteEndArray();
        json.WriteEndObject();

        var stacks = new StackJson(profile, frames);
        var unit = UnitOf(profile.WeightTypes[options.WeightIndex]);
        json.WriteStartArray("profiles");
        for (var t = 0; t < threads.Length; t++)
        {
            var samples = threads[t];
            if (samples == null) continue;
            var rootFrame = options.ThreadRoots ? frames.OfThread(t) : -1;
            json.WriteStartObject();
            json.WriteString("type", "sampled");
            json.WriteString("name", profile.Threads[t].Label);
            json.WriteString("unit", unit);
            json.WriteNumber("startValue", 0);
            json.WriteNumber("endValue", samples.Total);
            json.WriteStartArray("samples");
            foreach (var stack in samples.Stacks) json.WriteRawValue(stacks.Array(stack, rootFrame), skipInputValidation: true);
            json.WriteEndArray();
            json.WriteStartArray("weights");
            foreach (var weight in samples.Weights) json.WriteNumberValue(weight);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The samples of each thread, null for a thread without any that has frames and weight.</summary>
    private static ThreadSamples?[] CollectSamples(Profile profile, int weightIndex)
    {
        var threads = new ThreadSamples?[profile.Threads.Count];
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var stack = profile.StackIdOf(i);
            var weight = profile.WeightOf(i, weightIndex);
            if (stack < 0 || weight == 0) continue;
            var t = profile.ThreadIndexOf(i);
            (threads[t] ??= new ThreadSamples()).Add(stack, weight);
        }
        return threads;
    }

    /// <summary>The profile speedscope opens first: the thread with the most weight.</summary>
    private static int HeaviestProfileIndex(ThreadSamples?[] threads)
    {
        int index = -1, best = 0;
        var bestTotal = long.MinValue;
        foreach (var samples in threads)
        {
            if (samples == null) continue;
            index++;
            if (samples.Total <= bestTotal) continue;
            bestTotal = samples.Total;
            best = index;
        }
        return best;
    }

    private static void WriteFrame(Utf8JsonWriter json, Frame frame)
    {
        json.WriteStartObject();
        json.WriteString("name", frame.Function);
        if (frame.File.Length > 0) json.WriteString("file", frame.File);
        if (frame.DisplayLine > 0) json.WriteNumber("line", frame.DisplayLine);
        json.WriteEndObject();
    }

    /// <summary>speedscope's unit for a weight type; anything it has no unit for is a plain number.</summary>
    private static string UnitOf(WeightType type) => type.Unit switch
    {
        "nanoseconds" or "microseconds" or "milliseconds" or "seconds" or "bytes" => type.Unit,
        _ => "none",
    };
}
