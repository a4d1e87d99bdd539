using System.Globalization;
using System.Text.RegularExpressions;

namespace Sonde.Formats.Tests.Pprof;

/// <summary>The rows of <c>go tool pprof -top</c>: each node's flat and cum values and the total it states.</summary>
internal sealed partial class PprofTop
{
    public required long Total { get; init; }
    public required IReadOnlyList<(string Name, long Flat, long Cum)> Rows { get; init; }

    public (long Flat, long Cum) this[string name] => Rows.Single(r => r.Name == name) is var row ? (row.Flat, row.Cum) : default;

    public static PprofTop Parse(string output)
    {
        var total = TotalLine().Match(output);
        Assert.True(total.Success, $"no total in pprof's output:\n{output}");
        var rows = new List<(string, long, long)>();
        var inTable = false;
        foreach (var line in output.Split('\n'))
        {
            if (line.TrimStart().StartsWith("flat", StringComparison.Ordinal))
            {
                inTable = true;
                continue;
            }
            if (!inTable || line.Trim().Length == 0) continue;
            var row = Row().Match(line);
            Assert.True(row.Success, $"unexpected pprof row '{line}'");
            rows.Add((row.Groups["name"].Value, Number(row.Groups["flat"].Value), Number(row.Groups["cum"].Value)));
        }
        return new PprofTop { Total = Number(total.Groups["total"].Value), Rows = rows };
    }

    /// <summary>A value as pprof prints it with <c>-unit=ns</c> or for counts: digits, maybe a unit after them.</summary>
    private static long Number(string text) =>
        long.Parse(text.TrimEnd('n', 's').Replace(",", ""), NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"of (?<total>[\d,]+(?:ns)?) total")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^\s*(?<flat>[\d,]+(?:ns)?)\s+[\d.]+%\s+[\d.]+%\s+(?<cum>[\d,]+(?:ns)?)\s+[\d.]+%\s+(?<name>.+?)\s*$")]
    private static partial Regex Row();
}
