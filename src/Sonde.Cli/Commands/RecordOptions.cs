namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde record` was asked to do, bound from the command line.</summary>
internal sealed record RecordOptions(
    string? Output,
    string? Format,
    double Rate,
    double? Duration,
    bool Idle,
    bool Gil,
    bool Threads,
    bool Lines,
    int? Pid,
    IReadOnlyList<string> Command,
    bool Subprocesses = false,
    bool Serve = false);
