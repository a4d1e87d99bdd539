using System.Globalization;
using System.Text;
using Sonde.Cli.Console;

namespace Sonde.Cli.Top;

/// <summary>
/// What `top` shows and how: the sort column and the toggles the keys change, and the rendering of a window into
/// lines, the same for the full screen and for the periodic text written when stdout is not a terminal.
/// </summary>
internal sealed class TopView
{
    /// <summary>The smallest terminal the view fits in: header, table head, a few rows and the key line.</summary>
    public const int MinWidth = 60;
    public const int MinHeight = 10;
    private const int HeaderLines = 4;
    private const int ThreadColumnWidth = 26;
    private const int StateColumnWidth = 15;

    public TopSort Sort { get; set; } = TopSort.OwnPercent;
    public bool ShowIdle { get; set; }
    public bool PerThread { get; set; }
    public bool Paused { get; set; }

    /// <summary>Applies a key; false when the key means nothing to the view.</summary>
    public bool HandleKey(char key)
    {
        switch (char.ToLowerInvariant(key))
        {
            case >= '1' and <= '4': Sort = (TopSort)(key - '1'); return true;
            case 's': Sort = (TopSort)(((int)Sort + 1) % 4); return true;
            case 'i': ShowIdle = !ShowIdle; return true;
            case 't': PerThread = !PerThread; return true;
            case 'p' or ' ': Paused = !Paused; return true;
            default: return false;
        }
    }

    /// <summary>The table's rows for the current toggles, sorted; the label already escaped for the terminal.</summary>
    public IReadOnlyList<TopRow> Rows(TopWindow window)
    {
        var rows = new Dictionary<(int Thread, int Function), TopRow>();
        foreach (var entry in window.Entries)
        {
            if (!entry.Active && !ShowIdle) continue;
            var key = (PerThread ? entry.Thread : -1, entry.Function);
            if (!rows.TryGetValue(key, out var row))
            {
                var thread = PerThread ? TerminalText.Escape(window.ThreadLabels[entry.Thread]) : null;
                var state = PerThread ? window.ThreadStates[entry.Thread] ?? "" : null;
                row = new TopRow(thread, state, TerminalText.Escape(window.FunctionLabels[entry.Function]));
                rows.Add(key, row);
            }
            row.WindowOwn += entry.WindowOwn;
            row.WindowTotal += entry.WindowTotal;
            row.OwnNs += entry.OwnNs;
            row.TotalNs += entry.TotalNs;
        }
        Func<TopRow, double> primary = Sort switch
        {
            TopSort.OwnPercent => r => r.WindowOwn,
            TopSort.TotalPercent => r => r.WindowTotal,
            TopSort.OwnTime => r => r.OwnNs,
            _ => r => r.TotalNs,
        };
        Func<TopRow, double> secondary = Sort is TopSort.OwnPercent or TopSort.TotalPercent ? r => r.OwnNs : r => r.WindowOwn;
        return rows.Values.OrderByDescending(primary).ThenByDescending(secondary)
            .ThenBy(r => r.Function, StringComparer.Ordinal).ThenBy(r => r.Thread, StringComparer.Ordinal).ToList();
    }

    /// <summary>The full screen: exactly <paramref name="height"/> lines, none wider than <paramref name="width"/>.</summary>
    public List<string> RenderScreen(TopHeader header, TopWindow window, int width, int height)
    {
        var lines = RenderHeader(header);
        lines.Add("");
        var rows = Rows(window);
        var tableLines = height - HeaderLines - 2;
        lines.AddRange(RenderTable(rows, Math.Max(0, tableLines), width));
        while (lines.Count < height - 1) lines.Add("");
        lines.Add(KeyLine());
        return lines.Select(l => Fit(l, width)).ToList();
    }

    /// <summary>One block of the plain-text mode: the header and the first <paramref name="maxRows"/> rows.</summary>
    public List<string> RenderText(TopHeader header, TopWindow window, int maxRows, int width)
    {
        var lines = RenderHeader(header);
        lines.AddRange(RenderTable(Rows(window), maxRows, width));
        return lines;
    }

    private List<string> RenderHeader(TopHeader header)
    {
        var first = $"sonde top: {header.Target}, {Seconds(header.Elapsed.TotalSeconds)} elapsed" +
                    (header.Processes > 1 ? $", {header.Processes} processes" : "") + (Paused ? "  [PAUSED]" : "");
        var cpu = header.CpuPercent is { } c ? Percent(c) : "-";
        var rss = header.RssBytes is { } r ? Megabytes(r) : "-";
        var gil = header.GilPercent is { } g ? Percent(g) : "-";
        var second = $"CPU {cpu}  RSS {rss}  threads {header.ActiveThreads} active, {header.IdleThreads} idle  " +
                     $"GIL {gil}  {header.SamplesPerSecond.ToString("F1", CultureInfo.InvariantCulture)} samples/s  errors {header.Errors}";
        var sortName = Sort switch
        {
            TopSort.OwnPercent => "own %",
            TopSort.TotalPercent => "total %",
            TopSort.OwnTime => "own time",
            _ => "total time",
        };
        var third = $"sorted by {sortName}; {(ShowIdle ? "idle threads shown" : "running threads only")}" +
                    (PerThread ? "; per thread" : "");
        return [first, second, third];
    }

    private List<string> RenderTable(IReadOnlyList<TopRow> rows, int maxLines, int width)
    {
        var lines = new List<string>();
        if (maxLines <= 0) return lines;
        var totalSamples = rows.Sum(r => r.WindowOwn);
        string Mark(TopSort column, string name) => (Sort == column ? "*" : " ") + name;
        var head = $"{Mark(TopSort.OwnPercent, "OWN%"),7} {Mark(TopSort.TotalPercent, "TOTAL%"),7} {Mark(TopSort.OwnTime, "OWN TIME"),10} {Mark(TopSort.TotalTime, "TOTAL TIME"),11}  " +
                   (PerThread ? $"{"THREAD",-ThreadColumnWidth}  {"STATE",-StateColumnWidth}  " : "") + "FUNCTION";
        lines.Add(head);
        if (rows.Count == 0)
        {
            lines.Add(ShowIdle ? "  (no Python stacks sampled in the last second)" : "  (no thread ran Python code in the last second; press i to show idle threads)");
            return lines;
        }
        foreach (var row in rows.Take(maxLines - 1))
        {
            var thread = row.Thread is null ? "" :
                Fit(row.Thread, ThreadColumnWidth).PadRight(ThreadColumnWidth) + "  " + Fit(row.State ?? "", StateColumnWidth).PadRight(StateColumnWidth) + "  ";
            lines.Add($"{Percent(row.WindowOwn, totalSamples),7} {Percent(row.WindowTotal, totalSamples),7} {Seconds(row.OwnNs / 1e9),10} {Seconds(row.TotalNs / 1e9),11}  {thread}{row.Function}");
        }
        return lines;
    }

    private static string KeyLine() => "keys: 1-4 sort column, s next column, i idle threads, t per thread, p pause, q quit";

    /// <summary>Cuts a line to the width, never in the middle of a surrogate pair.</summary>
    internal static string Fit(string line, int width)
    {
        if (line.Length <= width) return line;
        var cut = width;
        if (cut > 0 && char.IsHighSurrogate(line[cut - 1])) cut--;
        return line[..cut];
    }

    private static string Percent(long part, long whole) => whole <= 0 ? "0.0%" : Percent(100.0 * part / whole);

    private static string Percent(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Seconds(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture) + "s";

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
