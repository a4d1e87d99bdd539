using System.CommandLine;
using System.Globalization;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Cli.Reports;
using Sonde.Profiles.Errors;
using Sonde.Store;

namespace Sonde.Cli.Commands;

/// <summary>`sonde history`: lists the recordings in the history store, newest first.</summary>
internal static class HistoryCommand
{
    private const int DefaultLimit = 20;

    public static Command Create(Terminal terminal)
    {
        var limit = new Option<int>("--limit", "-n") { Description = $"Show this many recordings, 0 for all (default {DefaultLimit})", DefaultValueFactory = _ => DefaultLimit };
        var store = HistoryOptions.StoreOption();
        var json = CommonOptions.Json();
        var history = new Command("history", Examples.Describe(
            "List the recordings saved in the history (every record and trace unless --no-store), newest first. " +
            "Use their ids wherever a profile file goes: @ID, @last, @last~1, or @NAME for one saved with --name.",
            "sonde history",
            "sonde history -n 5 --json | jq '.recordings[0].top_function'",
            "sonde report @last",
            "sonde convert @12 -o flame.svg",
            "sonde history --store postgresql://sonde@db.internal/profiles"))
        {
            limit, store, json,
        };
        history.SetAction(result => Run(terminal, result.GetValue(limit), result.GetValue(store), result.GetValue(json)));
        return history;
    }

    internal static int Run(Terminal terminal, int limit, string? storeSetting, bool json)
    {
        if (limit < 0) throw new UsageException("--limit must be 0 (all) or more");
        var store = ProfileStore.Open(StoreLocation.Resolve(storeSetting));
        var recordings = store.List(limit == 0 ? int.MaxValue : limit);
        if (json)
        {
            HistoryJson.WriteList(terminal.Out, store.Location, recordings);
            return ExitCodes.Ok;
        }
        if (recordings.Count == 0)
        {
            terminal.Error.WriteLine($"sonde: no recordings in {TerminalText.Escape(store.Location.Display)} yet; 'sonde record' and 'sonde trace' save theirs there");
            return ExitCodes.Ok;
        }
        var table = new TextTable("id", "started", "mode", "duration", "samples", "commit", "name", "top function", "command");
        foreach (var r in recordings)
        {
            table.Add(
                $"@{r.Id}",
                r.StartedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                r.Mode,
                Numbers.Seconds(r.DurationSeconds),
                Numbers.Count(r.Samples),
                r.GitCommit is { } commit ? TerminalText.Escape(commit[..Math.Min(10, commit.Length)]) : "-",
                r.Name is { } name ? TerminalText.Escape(name) : "-",
                r.TopFunction is { } top ? Shorten(TerminalText.Escape(top), 60) : "-",
                r.Command is { } command ? TerminalText.Escape(command) : "-");
        }
        // The last column is not padded, so the long command line goes there and the function just before it.
        table.Write(terminal);
        return ExitCodes.Ok;
    }

    private static string Shorten(string text, int width) => text.Length <= width ? text : "…" + text[^(width - 1)..];
}
