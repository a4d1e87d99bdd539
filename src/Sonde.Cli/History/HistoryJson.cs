using System.Text;
using System.Text.Json;
using Sonde.Store;

namespace Sonde.Cli.History;

/// <summary>Stored recordings as JSON for `history --json` and `show --json`. The writer escapes every string.</summary>
internal static class HistoryJson
{
    public static void WriteList(TextWriter output, StoreLocation location, IReadOnlyList<StoredRecording> recordings) => Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("store", location.Display);
        json.WriteStartArray("recordings");
        foreach (var recording in recordings) WriteRecording(json, recording);
        json.WriteEndArray();
        json.WriteEndObject();
    });

    public static void WriteOne(TextWriter output, StoredRecording recording) => Write(output, json => WriteRecording(json, recording));

    private static void WriteRecording(Utf8JsonWriter json, StoredRecording recording)
    {
        json.WriteStartObject();
        json.WriteNumber("id", recording.Id);
        json.WriteString("name", recording.Name);
        json.WriteString("started_at", recording.StartedAt);
        json.WriteString("saved_at", recording.SavedAt);
        json.WriteString("command", recording.Command);
        json.WriteString("mode", recording.Mode);
        json.WriteNumber("duration_seconds", recording.DurationSeconds);
        json.WriteNumber("samples", recording.Samples);
        json.WriteString("git_commit", recording.GitCommit);
        json.WriteString("top_function", recording.TopFunction);
        if (recording.TopShare is { } share) json.WriteNumber("top_share", share);
        else json.WriteNull("top_share");
        json.WriteString("python_version", recording.PythonVersion);
        json.WriteString("host", recording.Host);
        if (recording.ProcessId is { } pid) json.WriteNumber("pid", pid);
        else json.WriteNull("pid");
        json.WriteNumber("profile_bytes", recording.ProfileBytes);
        json.WriteEndObject();
    }

    private static void Write(TextWriter output, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            body(json);
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
