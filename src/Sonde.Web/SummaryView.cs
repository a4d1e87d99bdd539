using System.Globalization;
using System.Text.Json;
using Sonde.Profiles;

namespace Sonde.Web;

/// <summary>
/// What the page needs once per profile: metadata, weight types, threads, every function's name, and the source
/// files it may ask for.
/// </summary>
internal static class SummaryView
{
    /// <param name="recording">Null for a profile read from a file; true or false for a live recording that goes on or has ended.</param>
    public static byte[] Build(LoadedProfile loaded, SourceFiles sources, bool? recording = null) => JsonText.Write(json =>
    {
        var profile = loaded.Profile;
        var metadata = profile.Metadata;
        json.WriteStartObject();
        json.WriteString("id", loaded.Id);
        JsonText.String(json, "name", loaded.Name);
        json.WriteString("mode", metadata.Mode.ToString().ToLowerInvariant());
        json.WriteNumber("samples", profile.SampleCount);
        json.WriteBoolean("exact", profile.CallGraph is { HasCallCounts: true });
        json.WriteBoolean("memory", profile.Memory is not null);
        if (recording is { } live) json.WriteString("live", live ? "recording" : "ended");

        json.WriteStartObject("metadata");
        JsonText.String(json, "command", metadata.Command);
        if (metadata.ProcessId is { } pid) json.WriteNumber("pid", pid);
        JsonText.String(json, "python", metadata.PythonVersion);
        JsonText.String(json, "host", metadata.Host);
        JsonText.String(json, "gitCommit", metadata.GitCommit);
        json.WriteString("start", metadata.StartTime.ToString("o", CultureInfo.InvariantCulture));
        json.WriteNumber("durationNs", (long)(metadata.Duration.TotalMilliseconds * 1e6));
        json.WriteNumber("rateHz", Math.Round(metadata.Sampler.AchievedRateHz > 0 ? metadata.Sampler.AchievedRateHz : metadata.Sampler.RequestedRateHz, 2));
        JsonText.String(json, "format", metadata.Properties.GetValueOrDefault("source.format"));
        json.WriteEndObject();

        json.WriteStartArray("weights");
        foreach (var weight in profile.WeightTypes)
        {
            json.WriteStartObject();
            JsonText.String(json, "name", weight.Name);
            JsonText.String(json, "unit", weight.Unit);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("threads");
        foreach (var thread in profile.Threads)
        {
            json.WriteStartObject();
            json.WriteNumber("pid", thread.ProcessId);
            json.WriteNumber("tid", thread.ThreadId);
            JsonText.String(json, "name", thread.Name);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        WriteFunctions(json, loaded.Functions.Keys);

        json.WriteStartArray("sources");
        foreach (var file in sources.ServedFilesOf(loaded)) JsonText.StringValue(json, file);
        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>Functions as parallel arrays (name, file, first line, kind), indexed by function id.</summary>
    public static void WriteFunctions(Utf8JsonWriter json, IReadOnlyList<FunctionKey> keys)
    {
        json.WriteStartObject("functions");
        json.WriteStartArray("name");
        foreach (var key in keys) JsonText.StringValue(json, key.Function);
        json.WriteEndArray();
        json.WriteStartArray("file");
        foreach (var key in keys) JsonText.StringValue(json, key.File);
        json.WriteEndArray();
        json.WriteStartArray("line");
        foreach (var key in keys) json.WriteNumberValue(key.FirstLine);
        json.WriteEndArray();
        json.WriteStartArray("kind");
        foreach (var key in keys) json.WriteStringValue(key.Kind.ToString().ToLowerInvariant());
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
