using System.Text;
using Sonde.Cli.Console;

namespace Sonde.Cli.Reports;

/// <summary>
/// Lays out rows in columns: numbers right-aligned, the last column (a name) left-aligned and never padded.
/// Cells are printed as given, so untrusted text must be escaped before it is added.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"Expected {headers.Length} cells.", nameof(cells));
        _rows.Add(cells);
    }

    public void Write(Terminal terminal, string indent = "")
    {
        var widths = new int[headers.Length];
        for (var c = 0; c < headers.Length - 1; c++)
        {
            widths[c] = headers[c].Length;
            foreach (var row in _rows) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        terminal.Out.WriteLine(terminal.Bold(Line(headers, widths, indent)));
        foreach (var row in _rows) terminal.Out.WriteLine(Line(row, widths, indent));
    }

    private static string Line(string[] cells, int[] widths, string indent)
    {
        var line = new StringBuilder(indent);
        for (var c = 0; c < cells.Length - 1; c++) line.Append(cells[c].PadLeft(widths[c])).Append("  ");
        return line.Append(cells[^1]).ToString();
    }
}
