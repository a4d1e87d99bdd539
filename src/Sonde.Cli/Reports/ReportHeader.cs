using System.Globalization;
using Sonde.Cli.Console;

namespace Sonde.Cli.Reports;

/// <summary>The lines above every text view: which files, and what the whole profile adds up to.</summary>
internal static class ReportHeader
{
    public static void Write(Terminal terminal, ReportModel model)
    {
        var output = terminal.Out;
        var files = string.Join(", ", model.Files.Select(TerminalText.Escape));
        output.WriteLine(terminal.Bold($"{files} ({TerminalText.Escape(model.Formats)})"));
        var unit = ReportUnit.For(model, model.GrandTotal);
        var summary = model.HasCalls
            ? string.Create(CultureInfo.InvariantCulture, $"{model.TotalCalls:N0} calls ({model.PrimitiveCalls:N0} primitive) in {unit.WithUnit(model.GrandTotal)}")
            : model.SampleCount is { } samples
                ? string.Create(CultureInfo.InvariantCulture, $"{samples:N0} samples, total {unit.WithUnit(model.GrandTotal)}")
                : $"total {unit.WithUnit(model.GrandTotal)}";
        if (model.SampleIntervalNs is { } interval)
            summary += $" (each sample counted as {ReportUnit.Duration(interval)})";
        if (!model.HasCalls) summary += "; calls were not counted";
        output.WriteLine(summary);
        output.WriteLine();
    }
}
