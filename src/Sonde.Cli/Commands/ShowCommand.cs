using System.CommandLine;
using System.Globalization;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Profiles.Errors;
using Sonde.Store;

namespace Sonde.Cli.Commands;

/// <summary>`sonde show ID`: one stored recording: where and when it ran, then its top functions.</summary>
internal static class ShowCommand
{
    private const int DefaultLimit = 15;

    public static Command Create(Terminal terminal)
    {
        var id = new Argument<string>("id") { Description = "The recording: @ID (or just ID), @last, @last~N or @NAME" };
        var limit = new Option<int>("--limit", "-n") { Description = $"Show this many functions (default {DefaultLimit})", DefaultValueFactory = _ => DefaultLimit };
        var store = HistoryOptions.StoreOption();
        var json = CommonOptions.Json();
        var show = new Command("show", Examples.Describe(
            "Show one recording from the history: its command, time, commit and Python, then where its time went.",
            "sonde show @last",
            "sonde show 12",
            "sonde show @nightly --json"))
        {
            id, limit, store, json,
        };
        show.SetAction(result => Run(terminal, result.GetValue(id)!, result.GetValue(limit), result.GetValue(store), result.GetValue(json)));
        return show;
    }

    internal static int Run(Terminal terminal, string id, int limit, string? storeSetting, bool json)
    {
        if (limit < 0) throw new UsageException("--limit must be 0 (all) or more");
        var reference = ProfileReference.Parse(id.All(char.IsAsciiDigit) && id.Length > 0 ? "@" + id : id);
        var store = ProfileStore.Open(StoreLocation.Resolve(storeSetting));
        var recording = store.Find(reference);
        if (json)
        {
            HistoryJson.WriteOne(terminal.Out, recording);
            return ExitCodes.Ok;
        }
        var profile = store.Load(recording);
        var output = terminal.Out;
        output.WriteLine(terminal.Bold($"recording @{recording.Id}" + (recording.Name is { } name ? $" ({TerminalText.Escape(name)})" : "")));
        Field(output, "command", recording.Command);
        Field(output, "mode", recording.Mode);
        Field(output, "started", recording.StartedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        Field(output, "duration", Numbers.Seconds(recording.DurationSeconds));
        Field(output, "samples", Numbers.Count(recording.Samples));
        Field(output, "git commit", recording.GitCommit);
        Field(output, "python", recording.PythonVersion);
        Field(output, "host", recording.Host);
        Field(output, "pid", recording.ProcessId?.ToString(CultureInfo.InvariantCulture));
        Field(output, "stored", $"{Numbers.Count(recording.ProfileBytes)} bytes in {store.Location.Display}");
        output.WriteLine();
        var options = new ReportOptions([$"@{recording.Id}"], "own", limit, null, false, null, null, false, false, 1.0, false, null, false);
        ReportCommand.Render([profile], options, terminal);
        return ExitCodes.Ok;
    }

    private static void Field(TextWriter output, string label, string? value) =>
        output.WriteLine($"  {label + ":",-12} {(value is null ? "-" : TerminalText.Escape(value))}");
}
