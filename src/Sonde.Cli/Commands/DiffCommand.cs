using System.CommandLine;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.Diff;
using Sonde.Cli.Output;
using Sonde.Formats.FlameGraph;
using Sonde.Profiles.Diff;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Commands;

/// <summary>`sonde diff`: what got slower, by how much, and is it real.</summary>
internal static class DiffCommand
{
    private const int DefaultLimit = 25;

    public static Command Create(Terminal terminal)
    {
        var baseFile = new Argument<string>("base") { Description = "The profile to compare against (any format Sonde reads)" };
        var newFile = new Argument<string>("new") { Description = "The profile to compare (made the same way as BASE)" };
        var output = new Option<string?>("--output", "-o") { Description = "Also write a differential flame graph (.svg): NEW's shape, red where it grew, blue where it shrank" };
        var json = CommonOptions.Json();
        var weight = DiffCommonOptions.Weight();
        var fdr = DiffCommonOptions.FalseDiscoveryRate();
        var limit = new Option<int>("--limit", "-n") { Description = "Show this many functions, 0 for all", DefaultValueFactory = _ => DefaultLimit };

        var diff = new Command("diff", Examples.Describe(
            "Compare two profiles function by function: own and total time in each, the change, and whether the change is " +
            "more than sampling error (z-tests, Benjamini-Hochberg; see docs/diff.md). Works between two recordings, two traces or two cProfile files.",
            "sonde diff before.sonde after.sonde",
            "sonde diff before.sonde after.sonde -o diff.svg",
            "sonde diff before.prof after.prof --limit 10",
            "sonde diff before.sonde after.sonde --json | jq '.functions[] | select(.own.significance == \"significant\")'"))
        {
            baseFile, newFile, output, json, weight, fdr, limit,
        };
        diff.SetAction(result => Run(new DiffOptions(result.GetValue(baseFile)!, result.GetValue(newFile)!, result.GetValue(output),
            result.GetValue(json), result.GetValue(weight), result.GetValue(fdr), result.GetValue(limit)), terminal));
        return diff;
    }

    internal static int Run(DiffOptions options, Terminal terminal)
    {
        if (options.Limit < 0) throw new UsageException("--limit must be 0 (all) or more");
        if (options.Output is { } path && !path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"-o '{path}': the diff is written as a flame graph; give a file name ending in .svg (use --json for data)");
        var diff = DiffInputs.Compare(options.Base, options.New, options.Weight, options.FalseDiscoveryRate);
        if (options.Output is { } svg) WriteFlameGraph(diff, svg);
        if (options.Json) DiffJsonReport.Write(terminal.Out, diff);
        else DiffTextReport.Write(terminal, diff, options.Limit);
        return ExitCodes.Ok;
    }

    private static void WriteFlameGraph(ProfileDiff diff, string path)
    {
        var graph = new DiffFlameGraph(
            new DiffFlameGraphSide(diff.Base.Profile, diff.Base.StackWeightIndex, diff.Base.UnitsPerWeight),
            new DiffFlameGraphSide(diff.New.Profile, diff.New.StackWeightIndex, diff.New.UnitsPerWeight),
            $"{diff.Base.Name} → {diff.New.Name}", diff.Measure.Unit, diff.Measure.Exact);
        ProfileOutput.WriteAtomically(path, graph.Write);
    }
}
