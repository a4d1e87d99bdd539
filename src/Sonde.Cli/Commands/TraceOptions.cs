using Sonde.Cli.History;

namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde trace` was asked to do, bound from the command line.</summary>
internal sealed record TraceOptions(
    string? Output,
    string? Format,
    string Clock,
    bool NoBuiltins,
    IReadOnlyList<string> Lines,
    bool LinesOnly,
    IReadOnlyList<string> Command,
    HistoryChoice? History = null);
