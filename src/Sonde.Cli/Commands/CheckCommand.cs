using System.CommandLine;
using System.Text.RegularExpressions;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.Diff;
using Sonde.Cli.Output;
using Sonde.Profiles.Diff;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Commands;

/// <summary>`sonde check`: the CI gate. Exit 1 when NEW regressed against the baseline beyond the threshold and beyond sampling error.</summary>
internal static class CheckCommand
{
    private static readonly TimeSpan _regexTimeout = TimeSpan.FromSeconds(2);

    public static Command Create(Terminal terminal)
    {
        var newFile = new Argument<string>("new") { Description = "The profile to check (any format Sonde reads)" };
        var baseline = new Option<string?>("--baseline", "-b") { Description = "The profile NEW must not be slower than (required)" };
        var maxRegression = new Option<double>("--max-regression")
        {
            Description = "Allowed growth in percent of the baseline",
            DefaultValueFactory = _ => CheckRules.DefaultMaxRegressionPercent,
        };
        var functions = new Option<string[]>("--function")
        {
            Description = "Gate the total time of functions whose file:line(function) matches this regular expression (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var total = new Option<bool>("--total") { Description = "Gate the whole run's time" };
        var minChange = new Option<double>("--min-change")
        {
            Description = "Ignore growth under this percentage of the baseline's whole run",
            DefaultValueFactory = _ => CheckRules.DefaultMinChangePercent,
        };
        var weight = DiffCommonOptions.Weight();
        var fdr = DiffCommonOptions.FalseDiscoveryRate();
        var markdown = new Option<string?>("--markdown") { Description = "Also write a Markdown summary, ready to post as a pull-request comment" };
        var junit = new Option<string?>("--junit") { Description = "Also write JUnit XML, one test case per gated value" };

        var check = new Command("check", Examples.Describe(
            "Fail (exit 1) when NEW is slower than the baseline by more than --max-regression percent and by more than " +
            "sampling error explains. By default every function's own time is gated; --function gates named functions' " +
            "total time and --total the whole run. See docs/ci.md.",
            "sonde check new.sonde --baseline main.sonde",
            "sonde check new.sonde --baseline main.sonde --max-regression 5 --markdown comment.md --junit sonde.xml",
            "sonde check new.prof --baseline main.prof --function 'handle_request' --total"))
        {
            newFile, baseline, maxRegression, functions, total, minChange, weight, fdr, markdown, junit,
        };
        check.SetAction(result => Run(new CheckOptions(result.GetValue(newFile)!, result.GetValue(baseline), result.GetValue(maxRegression),
            result.GetValue(functions) ?? [], result.GetValue(total), result.GetValue(minChange), result.GetValue(weight),
            result.GetValue(fdr), result.GetValue(markdown), result.GetValue(junit)), terminal));
        return check;
    }

    internal static int Run(CheckOptions options, Terminal terminal)
    {
        if (options.Baseline is null)
            throw new UsageException("no baseline: give the profile to compare with, e.g. sonde check new.sonde --baseline main.sonde (see docs/ci.md)");
        if (options.MaxRegression < 0 || !double.IsFinite(options.MaxRegression)) throw new UsageException("--max-regression must be a percentage, 0 or more");
        if (options.MinChange < 0 || !double.IsFinite(options.MinChange)) throw new UsageException("--min-change must be a percentage, 0 or more");
        var rules = new CheckRules(options.MaxRegression, options.Functions.Select(Pattern).ToList(), options.Total, options.MinChange);
        var diff = DiffInputs.Compare(options.Baseline, options.New, options.Weight, options.FalseDiscoveryRate);
        IReadOnlyList<CheckItem> items;
        try
        {
            items = RegressionCheck.Evaluate(diff, rules);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new UsageException($"--function '{TerminalText.Escape(e.Pattern)}' took too long to match; simplify it");
        }

        var report = new CheckReport(diff, rules, items);
        if (options.Markdown is { } markdown) ProfileOutput.WriteAtomically(markdown, stream => CheckMarkdown.Write(stream, report));
        if (options.JUnit is { } junit) ProfileOutput.WriteAtomically(junit, stream => CheckJUnit.Write(stream, report));
        CheckTextReport.Write(terminal, report);
        return report.Failed ? ExitCodes.RegressionFound : ExitCodes.Ok;
    }

    private static Regex Pattern(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, _regexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--function: '{TerminalText.Escape(pattern)}' is not a valid regular expression: {e.Message}");
        }
    }
}
