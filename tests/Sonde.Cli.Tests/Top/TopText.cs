using System.Globalization;
using System.Text.RegularExpressions;

namespace Sonde.Cli.Tests.Top;

/// <summary>`top`'s output read back: blocks of a header and table rows, as the text mode prints them and tmux shows them.</summary>
internal static partial class TopText
{
    public sealed record Row(double OwnPercent, double TotalPercent, double OwnSeconds, double TotalSeconds, string Rest)
    {
        /// <summary>The function name, without the (file:line) that follows it.</summary>
        public string Function => Rest[..Math.Max(0, Rest.LastIndexOf(" (", StringComparison.Ordinal))].Split("  ", StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
    }

    /// <summary>Each block's lines, split where a header line starts.</summary>
    public static List<List<string>> Blocks(string output)
    {
        var blocks = new List<List<string>>();
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("sonde top:", StringComparison.Ordinal)) blocks.Add([]);
            if (blocks.Count > 0) blocks[^1].Add(line.TrimEnd());
        }
        return blocks;
    }

    public static List<Row> Rows(IEnumerable<string> lines)
    {
        var rows = new List<Row>();
        foreach (var line in lines)
        {
            var match = RowPattern().Match(line);
            if (!match.Success) continue;
            double Number(int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
            rows.Add(new Row(Number(1), Number(2), Number(3), Number(4), match.Groups[5].Value));
        }
        return rows;
    }

    [GeneratedRegex(@"^\s*([\d.]+)%\s+([\d.]+)%\s+([\d.]+)s\s+([\d.]+)s\s\s(.*)$")]
    private static partial Regex RowPattern();
}
