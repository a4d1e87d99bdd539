using Sonde.Cli.Top;

namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde top` was asked to do, bound from the command line.</summary>
internal sealed record TopOptions(
    double Rate,
    double? Duration,
    bool Idle,
    bool Threads,
    TopSort Sort,
    bool Subprocesses,
    int? Pid,
    IReadOnlyList<string> Command);
