using System.Text.Json;
using System.Text.RegularExpressions;
using Sonde.Profiles;

namespace Sonde.Cli.Reports;

/// <summary>
/// <c>--json</c>: the same views as the text, for machines. Values are integers in <c>unit</c> (nanoseconds,
/// or a count such as samples); calls are null when the profile did not count them. The writer escapes every
/// name, so hostile function names cannot break the document.
/// </summary>
internal static class JsonReport
{
    public sealed record Views(
        IReadOnlyList<ReportFunction> Functions,
        Regex? Callers,
        Regex? Callees,
        ReportSort Sort,
        int Limit,
        bool Tree,
        bool ShowAll,
        double MinPercent,
        bool Lines);

    public static void Write(TextWriter output, ReportModel model, Views views)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("files");
            foreach (var file in model.Files) json.WriteStringValue(file);
            json.WriteEndArray();
            json.WriteString("formats", model.Formats);
            json.WriteString("unit", model.UnitName);
            json.WriteNumber("total", model.GrandTotal);
            WriteCount(json, "calls", model.HasCalls, model.TotalCalls);
            WriteCount(json, "primitive_calls", model.HasCalls, model.PrimitiveCalls);
            if (model.SampleIntervalNs is { } interval) json.WriteNumber("sample_interval_ns", interval);
            json.WriteBoolean("stacks_estimated", model.StacksEstimated);

            json.WriteStartArray("functions");
            foreach (var function in views.Functions) WriteFunction(json, model, function);
            json.WriteEndArray();

            if (views.Callers is not null) WriteEdges(json, "callers", model, views.Callers, views, callers: true);
            if (views.Callees is not null) WriteEdges(json, "callees", model, views.Callees, views, callers: false);
            if (views.Tree)
            {
                json.WriteStartArray("tree");
                foreach (var line in TreeReport.Build(model, views.ShowAll, views.MinPercent, out _)) WriteTreeLine(json, line);
                json.WriteEndArray();
            }
            if (views.Lines) WriteLines(json, model, views.Functions);
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteFunction(Utf8JsonWriter json, ReportModel model, ReportFunction function)
    {
        json.WriteStartObject();
        WriteKey(json, function.Function);
        WriteCount(json, "calls", model.HasCalls, function.Calls);
        WriteCount(json, "primitive_calls", model.HasCalls, function.PrimitiveCalls);
        json.WriteNumber("own", function.Own);
        json.WriteNumber("total", function.Total);
        json.WriteNumber("own_percent", Percent(function.Own, model.GrandTotal));
        json.WriteNumber("total_percent", Percent(function.Total, model.GrandTotal));
        json.WriteEndObject();
    }

    private static void WriteEdges(Utf8JsonWriter json, string name, ReportModel model, Regex pattern, Views views, bool callers)
    {
        var byFunction = model.Edges.ToLookup(e => callers ? e.Callee : e.Caller);
        json.WriteStartArray(name);
        foreach (var function in CallersReport.Matches(model, pattern, views.Sort, views.Limit, "--" + name))
        {
            json.WriteStartObject();
            json.WritePropertyName("function");
            WriteFunction(json, model, function);
            json.WriteStartArray(callers ? "callers" : "callees");
            foreach (var edge in byFunction[function.Function].OrderByDescending(e => e.Total))
            {
                json.WriteStartObject();
                WriteKey(json, callers ? edge.Caller : edge.Callee);
                WriteCount(json, "calls", model.HasCalls, edge.Calls);
                WriteCount(json, "primitive_calls", model.HasCalls, edge.PrimitiveCalls);
                json.WriteNumber("own", edge.Own);
                json.WriteNumber("total", edge.Total);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteTreeLine(Utf8JsonWriter json, TreeReport.TreeLine line)
    {
        json.WriteStartObject();
        json.WriteString("label", line.Label);
        json.WriteBoolean("hidden_frames", line.Hidden);
        json.WriteNumber("total", line.Total);
        json.WriteNumber("own", line.Own);
        json.WriteStartArray("children");
        foreach (var child in line.Children) WriteTreeLine(json, child);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteLines(Utf8JsonWriter json, ReportModel model, IReadOnlyList<ReportFunction> functions)
    {
        var lines = LinesReport.Collect(model);
        json.WriteStartArray("lines");
        foreach (var function in functions)
        {
            if (!lines.TryGetValue(function.Function, out var byLine)) continue;
            json.WriteStartObject();
            WriteKey(json, function.Function);
            json.WriteStartArray("lines");
            foreach (var (line, values) in byLine)
            {
                json.WriteStartObject();
                json.WriteNumber("line", line);
                json.WriteNumber("own", model.FromWeight(values.Own));
                json.WriteNumber("total", model.FromWeight(values.Total));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteKey(Utf8JsonWriter json, FunctionKey key)
    {
        json.WriteString("function", key.Function);
        json.WriteString("file", key.File);
        json.WriteNumber("line", key.FirstLine);
        json.WriteString("label", ReportLabels.Pstats(key));
    }

    private static void WriteCount(Utf8JsonWriter json, string name, bool known, long value)
    {
        if (known) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static double Percent(long part, long whole) => whole <= 0 ? 0 : Math.Round(100.0 * part / whole, 3);
}
