using System.Globalization;
using Sonde.Agent;
using Sonde.Cli.Reports;
using Sonde.Profiles;
using Sonde.Profiles.Memory;

namespace Sonde.Cli.Console;

/// <summary>
/// What `mem` prints when it ends: peak traced memory, what was still live at exit, peak RSS, the top allocation
/// sites by line, the top leaking functions, and the collections: count, total and longest pause, a histogram.
/// </summary>
internal static class MemorySummary
{
    private const int TopSites = 5;
    private const int TopPauses = 3;

    /// <summary>Pause histogram bucket bounds in nanoseconds; the last bucket is open.</summary>
    private static readonly long[] _pauseBounds = [100_000, 1_000_000, 10_000_000, 100_000_000];

    public static void Print(Terminal terminal, Profile profile, TraceResult result, string? outputPath)
    {
        var error = terminal.Error;
        var memory = profile.Memory ?? new MemoryData();
        var measured = result.Processes.Count(p => p.Traced);
        error.WriteLine($"sonde: measured {measured} {(measured == 1 ? "process" : "processes")} for {Numbers.Seconds(result.Duration.TotalSeconds)}");
        foreach (var process in result.Processes)
        {
            if (process.AgentError is { } problem)
                error.WriteLine(terminal.Yellow($"sonde: process {process.ProcessId}: {TerminalText.Escape(problem)}", forError: true));
            else if (process.Memory.Problem is { } memoryProblem && !process.Memory.Unavailable)
                error.WriteLine(terminal.Yellow($"sonde: process {process.ProcessId}: {TerminalText.Escape(memoryProblem)}", forError: true));
        }
        if (result.Processes.FirstOrDefault(p => p.IsRoot) is { Traced: true, End: ProcessEnd.Lost })
            error.WriteLine(terminal.Yellow(result.ExitCode > 128
                ? $"sonde: the program was killed by signal {result.ExitCode - 128}; the profile holds what its last flush sent (at most about 0.5 s old), and no leaks"
                : "sonde: the program ended without reporting; the profile holds what its last flush sent, and no leaks", forError: true));

        void Line(string name, string value) => error.WriteLine($"  {name,-14}{value}");
        if (memory.Total(MemoryData.PeakBytesTotal) is { } peak)
        {
            var when = memory.Total(MemoryData.PeakTimeTotal) is { } time ? $" (stacks from {Numbers.Seconds(time / 1e9)})" : "";
            Line("peak traced", Bytes(peak) + when);
        }
        if (memory.Total(MemoryData.LeakedBytesTotal) is { } leaked) Line("live at exit", Bytes(leaked));
        if (memory.Series.TryGetValue(MemoryData.RssSeries, out var rss) && rss.Count > 0)
            Line("peak RSS", $"{Bytes(rss.Max(p => p.Value))} (from {Bytes(rss[0].Value)} at start)");
        var sampleBytes = memory.Total(MemoryData.SampleBytesTotal);
        if (memory.Total(MemoryData.TracerBytesTotal) is { } tracer)
            Line(sampleBytes is null ? "tracemalloc" : "sampling", sampleBytes is { } every
                ? $"one allocation per {Bytes(every)} on average (estimates), {Bytes(tracer)} for its own tables"
                : Bytes(tracer) + " for its own tables");
        Line("collections", Collections(memory));

        WriteSites(terminal, profile, WeightType.AllocBytes.Name,
            sampleBytes is null ? "top allocation sites (bytes that appeared between snapshots)" : "top allocation sites (bytes allocated, estimated)", byLine: true);
        WriteSites(terminal, profile, WeightType.LeakedBytes.Name, "live at exit, by function", byLine: false);
        if (memory.Collections.Count > 0) WritePauses(terminal, profile, memory);
        if (memory.ObjectSnapshots.Count > 1) WriteObjectGrowth(terminal, memory);
        if (outputPath is not null) error.WriteLine($"sonde: wrote {TerminalText.Escape(outputPath)}");
    }

    private static string Collections(MemoryData memory)
    {
        var collections = memory.Collections;
        if (collections.Count == 0) return "none";
        var byGeneration = string.Join(", ", collections.GroupBy(c => c.Generation).OrderBy(g => g.Key).Select(g => $"gen{g.Key} {Numbers.Count(g.Count())}"));
        var longest = collections.MaxBy(c => c.DurationNs);
        return $"{Numbers.Count(collections.Count)} ({byGeneration}), {ReportUnit.Duration(collections.Sum(c => c.DurationNs))} in total, " +
               $"longest {ReportUnit.Duration(longest.DurationNs)} (gen{longest.Generation})";
    }

    private static void WriteSites(Terminal terminal, Profile profile, string weightName, string title, bool byLine)
    {
        var weight = profile.WeightIndex(weightName);
        if (weight < 0) return;
        var counts = byLine ? profile.WeightIndex(WeightType.AllocCount.Name) : -1;
        var sites = AllocationSites.Sum(profile, weight, counts, byLine);
        if (sites.Count == 0) return;
        terminal.Error.WriteLine($"  {title}:");
        var table = byLine ? new TextTable("bytes", "count", "site") : new TextTable("bytes", "function");
        foreach (var (site, sum) in sites.OrderByDescending(s => s.Value.Bytes).ThenBy(s => s.Key.File, StringComparer.Ordinal).ThenBy(s => s.Key.Line).Take(TopSites))
        {
            var label = TerminalText.Escape($"{site.Function} ({site.File}:{site.Line})");
            if (byLine) table.Add(Bytes(sum.Bytes), Numbers.Count(sum.Count), label);
            else table.Add(Bytes(sum.Bytes), label);
        }
        table.Write(new Terminal(terminal.Error, terminal.Error, terminal.ErrorColor, terminal.ErrorIsTty), "    ");
    }

    private static void WritePauses(Terminal terminal, Profile profile, MemoryData memory)
    {
        var error = terminal.Error;
        var buckets = new int[_pauseBounds.Length + 1];
        foreach (var collection in memory.Collections)
        {
            var bucket = Array.FindIndex(_pauseBounds, bound => collection.DurationNs < bound);
            buckets[bucket < 0 ? _pauseBounds.Length : bucket]++;
        }
        var labels = new[] { "<0.1 ms", "0.1-1 ms", "1-10 ms", "10-100 ms", ">=100 ms" };
        error.WriteLine("  pauses: " + string.Join(", ", labels.Select((label, i) => $"{label} {Numbers.Count(buckets[i])}")));
        foreach (var pause in memory.LongestPauses.Take(TopPauses))
        {
            var where = pause.StackId >= 0 ? profile.Frames[profile.Stacks.FrameOf(pause.StackId)].Label : "(no Python frame)";
            error.WriteLine($"    {ReportUnit.Duration(pause.DurationNs)} gen{pause.Generation} at {Numbers.Seconds(pause.TimeNs / 1e9)} from {TerminalText.Escape(where)}");
        }
    }

    private static void WriteObjectGrowth(Terminal terminal, MemoryData memory)
    {
        var first = memory.ObjectSnapshots[0].Types.ToDictionary(t => t.Type);
        var last = memory.ObjectSnapshots[^1];
        var growth = last.Types
            .Select(t => (t.Type, Count: t.Count - (first.TryGetValue(t.Type, out var before) ? before.Count : 0), Bytes: t.Bytes - (before?.Bytes ?? 0)))
            .Where(g => g.Count > 0).OrderByDescending(g => g.Count).ThenBy(g => g.Type, StringComparer.Ordinal).Take(TopSites).ToList();
        if (growth.Count == 0) return;
        terminal.Error.WriteLine($"  object growth ({Numbers.Count(memory.ObjectSnapshots.Count)} counts, first to last):");
        var table = new TextTable("objects", "bytes", "type");
        foreach (var (type, count, bytes) in growth) table.Add("+" + Numbers.Count(count), Bytes(bytes), TerminalText.Escape(type));
        table.Write(new Terminal(terminal.Error, terminal.Error, terminal.ErrorColor, terminal.ErrorIsTty), "    ");
        if (memory.ObjectChain is { } chain)
            terminal.Error.WriteLine(chain.Steps.Count > 0
                ? $"    held by: {TerminalText.Escape(string.Join(" -> ", chain.Steps))}"
                : $"    no reference chain to a {TerminalText.Escape(chain.Type)} from a module's globals was found");
    }

    /// <summary>Bytes in the binary unit that suits them, e.g. <c>12.3 MiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString(unit == 0 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
