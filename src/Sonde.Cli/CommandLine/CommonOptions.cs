using System.CommandLine;
using Sonde.Formats;

namespace Sonde.Cli.CommandLine;

/// <summary>Options several verbs share, declared once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<int?> Pid() => new("--pid", "-p") { Description = "Attach to this running Python process" };

    public static Argument<string[]> Command() => new("command")
    {
        Description = "The command to launch and profile, after --",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The command `trace` and `mem` run with the agent inside it.</summary>
    public static Argument<string[]> PythonCommand() => new("command")
    {
        Description = "The Python command to run, after --",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Where a verb that runs a program writes its profile, <paramref name="defaultOutput"/> unless told.</summary>
    public static Option<string?> ProfileOutput(string defaultOutput) => new("--output", "-o")
    {
        Description = $"Where to write the profile; the extension picks the format (default {defaultOutput})",
    };

    public static Option<string?> Format() => new("--format", "-f") { Description = $"Output format: {string.Join(", ", FormatRegistry.Names)}" };

    public static Option<bool> Subprocesses() => new("--subprocesses")
    {
        Description = "Also sample the CPython processes it starts, and theirs; each one's stacks start with a 'process PID (COMMAND)' frame",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of text" };

    /// <summary>Recursive, so it is accepted after any verb.</summary>
    public static readonly Option<bool> Debug = new("--debug")
    {
        Description = "Print stack traces for internal errors",
        Recursive = true,
    };
}
