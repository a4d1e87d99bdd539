using System.Text.Json;

namespace Sonde.Formats.Tests.ChromeTrace;

/// <summary>A Chrome trace file parsed back: its complete events per thread and its metadata events.</summary>
internal sealed class TraceEvents
{
    public required List<Event> Complete { get; init; }
    public required List<(string Name, long Pid, long Tid, JsonElement Args)> Metadata { get; init; }

    public sealed record Event(string Name, string Category, double Ts, double Dur, long Pid, long Tid, string? File, int? Line)
    {
        public double End => Ts + Dur;
    }

    public static TraceEvents Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var complete = new List<Event>();
        var metadata = new List<(string, long, long, JsonElement)>();
        foreach (var e in document.RootElement.GetProperty("traceEvents").EnumerateArray())
        {
            var ph = e.GetProperty("ph").GetString();
            var pid = e.GetProperty("pid").GetInt64();
            var tid = e.GetProperty("tid").GetInt64();
            if (ph == "M")
            {
                metadata.Add((e.GetProperty("name").GetString()!, pid, tid, e.GetProperty("args").Clone()));
                continue;
            }
            Assert.Equal("X", ph);
            var hasArgs = e.TryGetProperty("args", out var args);
            complete.Add(new Event(e.GetProperty("name").GetString()!, e.GetProperty("cat").GetString()!,
                e.GetProperty("ts").GetDouble(), e.GetProperty("dur").GetDouble(), pid, tid,
                hasArgs ? args.GetProperty("file").GetString() : null, hasArgs ? args.GetProperty("line").GetInt32() : null));
        }
        return new TraceEvents { Complete = complete, Metadata = metadata };
    }

    /// <summary>A thread's events ordered as a viewer nests them: by start, longer (outer) first.</summary>
    public List<Event> OfThread(long tid) =>
        Complete.Where(e => e.Tid == tid).OrderBy(e => e.Ts).ThenByDescending(e => e.Dur).ToList();

    /// <summary>
    /// Checks the events of a thread nest properly (each lies within its parent or after it), and returns,
    /// for each event, the names of the events enclosing it, outermost first.
    /// </summary>
    public List<(Event Event, List<string> Enclosing)> Nest(long tid, double tolerance = 1e-6)
    {
        var result = new List<(Event, List<string>)>();
        var open = new List<Event>();
        foreach (var e in OfThread(tid))
        {
            Assert.True(e.Dur > 0, $"event {e} has no duration");
            while (open.Count > 0 && open[^1].End <= e.Ts + tolerance) open.RemoveAt(open.Count - 1);
            if (open.Count > 0) Assert.True(e.End <= open[^1].End + tolerance, $"{e} overlaps the end of {open[^1]}");
            result.Add((e, open.Select(o => o.Name).ToList()));
            open.Add(e);
        }
        return result;
    }

    /// <summary>Per function name, the time a thread spent in it, a recursive function's inner calls counted once.</summary>
    public Dictionary<string, double> InclusiveTime(long tid)
    {
        var totals = new Dictionary<string, double>();
        foreach (var (e, enclosing) in Nest(tid))
            if (!enclosing.Contains(e.Name)) totals[e.Name] = totals.GetValueOrDefault(e.Name) + e.Dur;
        return totals;
    }
}
