using System.CommandLine;
using System.Text.RegularExpressions;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Cli.Reports;
using Sonde.Formats;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Lines;
using Sonde.Store;

namespace Sonde.Cli.Commands;

/// <summary>`sonde report`: pstats-style tables, callers and callees, call trees and line views of any profile file.</summary>
internal static class ReportCommand
{
    private const int DefaultLimit = 25;
    private const int DefaultLinesLimit = 5;
    private static readonly TimeSpan _regexTimeout = TimeSpan.FromSeconds(2);

    public static Command Create(Terminal terminal)
    {
        var files = new Argument<string[]>("files") { Description = "Profile files of any format Sonde reads, or stored recordings (@last, @ID, @NAME); several are combined into one", Arity = ArgumentArity.OneOrMore };
        var sort = new Option<string>("--sort", "-s") { Description = "Order rows by own, total, calls, name or file", DefaultValueFactory = _ => "own" };
        var limit = new Option<int?>("--limit", "-n") { Description = $"Show this many functions, 0 for all (default {DefaultLimit}; {DefaultLinesLimit} with --lines)" };
        var filter = new Option<string?>("--filter") { Description = "Only functions whose file:line(function) matches this regular expression" };
        var stripDirs = new Option<bool>("--strip-dirs") { Description = "Drop directories from file names, merging functions that then look the same" };
        var callers = new Option<string?>("--callers") { Description = "Show who called the functions matching this regular expression" };
        var callees = new Option<string?>("--callees") { Description = "Show what the functions matching this regular expression called" };
        var tree = new Option<bool>("--tree") { Description = "Show the call tree" };
        var showAll = new Option<bool>("--show-all") { Description = "In the tree, show standard-library and site-packages frames instead of folding them" };
        var minPercent = new Option<double>("--min-percent") { Description = "In the tree, leave out frames under this share of the total", DefaultValueFactory = _ => 1.0 };
        var lines = new Option<bool>("--lines") { Description = "Show own and total per source line of the top functions" };
        var thread = new Option<long?>("--thread") { Description = "Only samples of the thread with this id (as in the profile's 'thread NAME (TID)')" };
        var json = CommonOptions.Json();
        var metric = new Option<string?>("--metric") { Description = $"Size functions by a memory weight: {MemoryMetric.Names}", HelpName = "METRIC" };

        var store = HistoryOptions.StoreOption();
        var report = new Command("report", Examples.Describe(
            "Summarise profiles like pstats, and more: a table of functions, callers and callees, a call tree, per-line times.",
            "sonde report profile.prof",
            "sonde report run1.prof run2.prof --sort total --limit 10",
            "sonde report profile.prof --callers 'json.*dumps' --strip-dirs",
            "sonde report profile.sonde --tree --min-percent 2",
            "sonde report profile.sonde --lines --filter 'app/'",
            "sonde report profile.prof --json | jq '.functions[0]'",
            "sonde report memory.sonde --metric leaked --json",
            "sonde report @nightly --store postgresql://sonde@db/profiles"))
        {
            files, sort, limit, filter, stripDirs, callers, callees, tree, showAll, minPercent, lines, thread, json, metric, store,
        };
        report.SetAction(result => Run(Bind(result), terminal));
        return report;
    }

    /// <summary>The options of a parsed <c>report</c> command line.</summary>
    internal static ReportOptions Bind(ParseResult result) => new(
        result.GetValue<string[]>("files") ?? [], result.GetValue<string>("--sort")!, result.GetValue<int?>("--limit"),
        result.GetValue<string?>("--filter"), result.GetValue<bool>("--strip-dirs"), result.GetValue<string?>("--callers"),
        result.GetValue<string?>("--callees"), result.GetValue<bool>("--tree"), result.GetValue<bool>("--show-all"),
        result.GetValue<double>("--min-percent"), result.GetValue<bool>("--lines"), result.GetValue<long?>("--thread"), result.GetValue<bool>("--json"),
        result.GetValue<string?>("--metric"), result.GetValue<string?>("--store"));

    internal static int Run(ReportOptions options, Terminal terminal)
    {
        var sort = ParseSort(options.Sort);
        var filter = Pattern("--filter", options.Filter);
        var callers = Pattern("--callers", options.Callers);
        var callees = Pattern("--callees", options.Callees);
        if (options.Files.Count == 0) throw new UsageException("give at least one profile file, e.g. sonde report profile.prof");
        var profiles = ProfileSource.ReadAll(options.Files, options.Store);
        try
        {
            Render(profiles, options, sort, filter, callers, callees, terminal);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new UsageException($"the regular expression '{TerminalText.Escape(e.Pattern)}' took too long to match; simplify it");
        }
        return ExitCodes.Ok;
    }

    /// <summary>Prints the report of profiles already read; <see cref="ReportOptions.Files"/> only names them.</summary>
    internal static void Render(IReadOnlyList<Profile> profiles, ReportOptions options, Terminal terminal) =>
        Render(profiles, options, ParseSort(options.Sort), Pattern("--filter", options.Filter), Pattern("--callers", options.Callers),
            Pattern("--callees", options.Callees), terminal);

    private static void Render(IReadOnlyList<Profile> profiles, ReportOptions options, ReportSort sort, Regex? filter, Regex? callers, Regex? callees, Terminal terminal)
    {
        if (options.Limit is < 0) throw new UsageException("--limit must be 0 (all) or more");
        if (options.MinPercent is < 0 or > 100 || double.IsNaN(options.MinPercent)) throw new UsageException("--min-percent must be between 0 and 100");
        var profile = ProfileMerger.Merge(profiles, options.StripDirs ? StripDirectory : null);
        profile.Metadata.Properties["source.format"] = string.Join(", ", profiles.Select(p => p.Metadata.Properties.GetValueOrDefault("source.format") ?? "unknown").Distinct());
        var metricIndex = options.Metric is null ? (int?)null : MemoryMetric.IndexIn(profile, options.Metric, "--metric");
        var model = ReportModelBuilder.Build(profile, options.Files, options.Thread, metricIndex);
        if (sort == ReportSort.Calls && !model.HasCalls)
            throw new UsageException("--sort calls: this profile was sampled, so calls were not counted; sort by own or total");

        var limit = options.Limit ?? (options.Lines ? DefaultLinesLimit : DefaultLimit);
        var rows = ReportSelection.Select(model.Functions, sort, filter, limit);
        if (options.Json)
        {
            JsonReport.Write(terminal.Out, model, new JsonReport.Views(rows, callers, callees, sort, limit, options.Tree, options.ShowAll, options.MinPercent, options.Lines));
            return;
        }

        // Whatever can fail does so before the first line is printed, so an error is all the output there is.
        if (callers is not null) CallersReport.Matches(model, callers, sort, limit, "--callers");
        if (callees is not null) CallersReport.Matches(model, callees, sort, limit, "--callees");
        // A trace with --lines timed its chosen functions' lines exactly: those tables stand in for sampled lines.
        var exactLines = options.Lines ? ExactLines(profile, filter) : null;
        if (options.Lines && exactLines is null) LinesReport.RequireLines(model);
        ReportHeader.Write(terminal, model);
        var views = 0;
        void Separate()
        {
            if (views++ > 0) terminal.Out.WriteLine();
        }
        if (callers is not null)
        {
            Separate();
            CallersReport.Write(terminal, model, callers, callers: true, sort, limit);
        }
        if (callees is not null)
        {
            Separate();
            CallersReport.Write(terminal, model, callees, callers: false, sort, limit);
        }
        if (options.Tree)
        {
            Separate();
            TreeReport.Write(terminal, model, options.ShowAll, options.MinPercent);
        }
        if (options.Lines)
        {
            Separate();
            if (exactLines is not null) LineTimingTable.Write(terminal, exactLines);
            else LinesReport.Write(terminal, model, rows);
        }
        if (views == 0) TableReport.Write(terminal, model, rows);
    }

    private static LineTimingData? ExactLines(Profile profile, Regex? filter)
    {
        if (profile.LineTimings is not { Entries.Count: > 0 } timings) return null;
        var chosen = new LineTimingData();
        foreach (var entry in timings.Entries)
            if (filter is null || filter.IsMatch(entry.Function.PstatsLabel)) chosen.Add(entry);
        return chosen;
    }

    private static ReportSort ParseSort(string text) => text.ToLowerInvariant() switch
    {
        "own" or "tottime" => ReportSort.Own,
        "total" or "cumulative" or "cumtime" => ReportSort.Total,
        "calls" or "ncalls" => ReportSort.Calls,
        "name" => ReportSort.Name,
        "file" or "filename" => ReportSort.File,
        _ => throw new UsageException($"--sort {TerminalText.Escape(text)}: choose own, total, calls, name or file"),
    };

    private static Regex? Pattern(string option, string? pattern)
    {
        if (pattern is null) return null;
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, _regexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: '{TerminalText.Escape(pattern)}' is not a valid regular expression: {e.Message}");
        }
    }

    private static Frame StripDirectory(Frame frame) => frame with { File = Path.GetFileName(frame.File) };
}
