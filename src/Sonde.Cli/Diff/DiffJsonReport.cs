using System.Text.Json;
using Sonde.Profiles;
using Sonde.Profiles.Diff;

namespace Sonde.Cli.Diff;

/// <summary>
/// `sonde diff --json`: the whole comparison for machines. Values are in <c>measure.unit</c>; shares are fractions of
/// each whole run; <c>relative</c> is the change as a fraction of BASE (null for a function BASE did not have);
/// <c>z</c>, <c>p</c> and <c>q</c> are null where no sampling error applies. The writer escapes every name.
/// </summary>
internal static class DiffJsonReport
{
    public static void Write(TextWriter output, ProfileDiff diff)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            WriteProfile(json, "base", diff.Base);
            WriteProfile(json, "new", diff.New);
            json.WriteStartObject("measure");
            WriteNullableString(json, "weight", diff.Measure.WeightName);
            json.WriteString("unit", diff.Measure.Unit);
            json.WriteBoolean("exact", diff.Measure.Exact);
            json.WriteString("description", diff.Measure.Description);
            json.WriteEndObject();
            json.WriteNumber("false_discovery_rate", diff.FalseDiscoveryRate);
            json.WritePropertyName("run");
            WriteChange(json, diff.Run);
            json.WriteStartArray("functions");
            foreach (var function in diff.Functions)
            {
                json.WriteStartObject();
                WriteKey(json, function.Function);
                json.WritePropertyName("own");
                WriteChange(json, function.Own);
                json.WritePropertyName("total");
                WriteChange(json, function.Total);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    internal static void WriteKey(Utf8JsonWriter json, FunctionKey key)
    {
        json.WriteString("function", key.Function);
        json.WriteString("file", key.File);
        json.WriteNumber("line", key.FirstLine);
        json.WriteString("label", Reports.ReportLabels.Pstats(key));
    }

    internal static void WriteChange(Utf8JsonWriter json, Change change)
    {
        json.WriteStartObject();
        json.WriteNumber("base", Math.Round(change.Base));
        json.WriteNumber("new", Math.Round(change.New));
        json.WriteNumber("delta", Math.Round(change.Delta));
        WriteNumber(json, "relative", change.Relative);
        json.WriteNumber("base_share", change.BaseShare);
        json.WriteNumber("new_share", change.NewShare);
        WriteNumber(json, "z", change.Z);
        WriteNumber(json, "p", change.PValue);
        WriteNumber(json, "q", change.QValue);
        json.WriteString("significance", DiffValues.Significance(change));
        json.WriteEndObject();
    }

    private static void WriteProfile(Utf8JsonWriter json, string name, MeasuredProfile profile)
    {
        json.WriteStartObject(name);
        json.WriteString("name", profile.Name);
        json.WriteString("format", profile.Profile.Metadata.Properties.GetValueOrDefault("source.format") ?? "unknown");
        json.WriteString("mode", profile.Profile.Metadata.Mode.ToString().ToLowerInvariant());
        json.WriteNumber("samples", profile.Samples);
        json.WriteNumber("total", Math.Round(profile.Total));
        json.WriteEndObject();
    }

    /// <summary>JSON has no infinity: a value that is not finite (z with no variance, the growth of a new function) is null.</summary>
    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static void WriteNullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
