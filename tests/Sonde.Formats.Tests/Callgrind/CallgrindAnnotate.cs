using System.Globalization;
using System.Text.RegularExpressions;
using Sonde.Formats.Tests.Support;

namespace Sonde.Formats.Tests.Callgrind;

/// <summary>
/// Runs valgrind's callgrind_annotate on a file and parses what it prints: the program totals, each
/// <c>file:function</c> row, and the per-line costs of annotated source files, one value per event.
/// </summary>
internal sealed partial class CallgrindAnnotate
{
    public required long[] Totals { get; init; }
    public required Dictionary<string, long[]> Functions { get; init; }
    public required List<string> FunctionOrder { get; init; }

    /// <summary>Annotated source lines: the line's text and its costs.</summary>
    public required List<(string Text, long[] Costs)> SourceLines { get; init; }

    public static CallgrindAnnotate Run(string file, int events, bool inclusive, bool annotateSources = false)
    {
        var tool = ExternalTool.Require("callgrind_annotate", "valgrind");
        // Run where the file is: callgrind_annotate shortens paths under its working directory and looks for
        // relative source files there.
        var result = ExternalTool.Run(tool,
            [$"--inclusive={(inclusive ? "yes" : "no")}", "--threshold=100", $"--auto={(annotateSources ? "yes" : "no")}", file],
            Path.GetDirectoryName(file));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("WARNING", result.StdErr);
        return Parse(result.StdOut, events);
    }

    private static CallgrindAnnotate Parse(string output, int events)
    {
        long[]? totals = null;
        var functions = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var order = new List<string>();
        var source = new List<(string, long[])>();
        var section = "";
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("-- Auto-annotated source", StringComparison.Ordinal)) section = "source";
            else if (line.Contains("file:function", StringComparison.Ordinal)) section = "functions";
            else if (line.StartsWith("The following files", StringComparison.Ordinal) || line.Contains("events annotated")) section = "";
            if (line.StartsWith("---", StringComparison.Ordinal) || line.Trim().Length == 0) continue;
            if (!TryParseRow(line, events, out var costs, out var rest)) continue;
            if (rest == "PROGRAM TOTALS") totals = costs;
            else if (section == "functions")
            {
                functions.Add(rest, costs);
                order.Add(rest);
            }
            else if (section == "source") source.Add((rest, costs));
        }
        Assert.True(totals is not null, $"no PROGRAM TOTALS in callgrind_annotate's output:\n{output}");
        return new CallgrindAnnotate { Totals = totals, Functions = functions, FunctionOrder = order, SourceLines = source };
    }

    /// <summary>A row is one value per event (a number with its share, or <c>.</c> for nothing), then text.</summary>
    private static bool TryParseRow(string line, int events, out long[] costs, out string rest)
    {
        costs = new long[events];
        rest = "";
        var position = 0;
        for (var e = 0; e < events; e++)
        {
            var value = Value().Match(line, position);
            if (!value.Success) return false;
            var text = value.Groups["value"].Value;
            costs[e] = text == "." ? 0 : long.Parse(text.Replace(",", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            position = value.Index + value.Length;
        }
        rest = line[position..].Trim();
        return true;
    }

    [GeneratedRegex(@"\G\s*(?<value>-?[\d,]+|\.)(?:\s+\(\s*-?[\d.]+%\))?(?=\s|$)")]
    private static partial Regex Value();
}
