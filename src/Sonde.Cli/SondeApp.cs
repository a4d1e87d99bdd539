using System.CommandLine;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Commands;
using Sonde.Cli.Console;
using Sonde.Profiles.Errors;

namespace Sonde.Cli;

/// <summary>
/// Assembles the verbs and turns errors into one line and a documented exit code. A <see cref="SondeException"/> is
/// the user's to fix; anything else is a bug, and only <c>--debug</c> shows its stack trace.
/// </summary>
public static class SondeApp
{
    public static int Run(string[] args, Terminal terminal)
    {
        var root = new RootCommand("Sonde: a sampling profiler and runtime-metrics tool for CPython 3.8-3.13.")
        {
            RecordCommand.Create(terminal),
            ConvertCommand.Create(terminal),
            DumpCommand.Create(terminal),
            ReportCommand.Create(terminal),
            TraceCommand.Create(terminal),
            MemCommand.Create(terminal),
            TopCommand.Create(terminal),
            ViewCommand.Create(terminal),
            DiffCommand.Create(terminal),
            CheckCommand.Create(terminal),
            HistoryCommand.Create(terminal),
            ShowCommand.Create(terminal),
            MetricsCommand.Create(terminal),
            AgentCommand.Create(terminal),
        };
        root.Add(CommonOptions.Debug);
        var debug = args.Contains("--debug");
        try
        {
            // @ARG names a stored recording (@last, @12, @NAME), not a response file.
            var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
            {
                foreach (var error in parsed.Errors) terminal.Error.WriteLine($"sonde: {error.Message}");
                terminal.Error.WriteLine("sonde: see 'sonde --help' or 'sonde COMMAND --help'");
                return ExitCodes.Usage;
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = terminal.Out, Error = terminal.Error });
        }
        catch (SondeException e)
        {
            terminal.Error.WriteLine($"sonde: {OneLine(e.Message)}");
            if (debug) terminal.Error.WriteLine(e);
            return e.ExitCode;
        }
        catch (Exception e)
        {
            terminal.Error.WriteLine($"sonde: internal error: {OneLine(e.Message)} (this is a bug; rerun with --debug for details)");
            if (debug) terminal.Error.WriteLine(e);
            return ExitCodes.InternalError;
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
