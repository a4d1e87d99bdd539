using System.CommandLine;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Cli.Output;
using Sonde.Formats;
using Sonde.Formats.Dot;
using Sonde.Formats.Native;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Store;

namespace Sonde.Cli.Commands;

/// <summary>`sonde convert`: reads a profile in any format Sonde reads and writes it in any format Sonde writes.</summary>
internal static class ConvertCommand
{
    public static Command Create(Terminal terminal)
    {
        var input = new Argument<string>("input")
        {
            Description = $"The profile to read ({string.Join(", ", FormatRegistry.ReadableNames)}; its contents tell the format), or a stored recording: @last, @ID, @NAME",
        };
        var output = new Option<string>("--output", "-o") { Description = "Where to write; the extension picks the format", Required = true };
        var format = CommonOptions.Format();
        var weight = new Option<string?>("--weight") { Description = "Which weight sizes the stacks, e.g. samples, wall, cpu (default: the first)" };
        var threads = new Option<bool>("--threads") { Description = "Start each stack with a 'thread NAME (TID)' frame" };
        var lines = new Option<bool>("--lines") { Description = "Keep the executing line of each frame instead of merging per function" };
        var nodeThreshold = new Option<double?>("--node-threshold")
        {
            Description = $"dot: leave out functions under this percentage of the total (default {DotOptions.Default.NodeThresholdPercent})",
        };
        var edgeThreshold = new Option<double?>("--edge-threshold")
        {
            Description = $"dot: leave out calls under this percentage of the total (default {DotOptions.Default.EdgeThresholdPercent})",
        };

        var store = HistoryOptions.StoreOption();
        var convert = new Command("convert", Examples.Describe(
            "Convert a profile between formats: Sonde's .sonde, folded stacks (Sonde, py-spy, flamegraph.pl, Austin), " +
            "speedscope, pprof, and (write only) flame graph SVG, callgrind, Chrome trace and Graphviz dot.",
            "sonde convert recording.sonde -o flame.svg",
            "sonde convert recording.sonde -o profile.pb.gz && go tool pprof -top profile.pb.gz",
            "sonde convert recording.sonde -o calls.dot --node-threshold 2 && dot -Tsvg calls.dot -o calls.svg",
            "sonde convert recording.sonde -o stacks.folded --threads --lines",
            "sonde convert austin.txt -o profile.speedscope.json --weight wall",
            "sonde convert py-spy.txt -o profile.sonde",
            "sonde convert @last -o flame.svg --store /srv/sonde/history.db"))
        {
            input, output, format, weight, threads, lines, nodeThreshold, edgeThreshold, store,
        };
        convert.SetAction(result => Run(new ConvertOptions(
            result.GetValue(input)!, result.GetValue(output)!, result.GetValue(format), result.GetValue(weight),
            result.GetValue(threads), result.GetValue(lines), result.GetValue(nodeThreshold), result.GetValue(edgeThreshold), result.GetValue(store)), terminal));
        return convert;
    }

    internal static int Run(ConvertOptions options, Terminal terminal)
    {
        var writer = WithThresholds(ProfileOutput.WriterFor(options.Output, options.Format), options);
        var profile = ProfileSource.Read(options.Input, options.Store);
        var writeOptions = new WriteOptions(WeightIndex(profile, options.Weight), options.Threads, Lines: options.Lines);

        if (profile.Metadata.Properties.TryGetValue(NativeReader.RecoveredProperty, out var recovered))
            terminal.Error.WriteLine(terminal.Yellow($"sonde: warning: {TerminalText.Escape(options.Input)}: {recovered}", forError: true));
        ProfileOutput.Write(profile, options.Output, writer, writeOptions);
        terminal.Error.WriteLine(
            $"sonde: wrote {TerminalText.Escape(options.Output)} ({writer.FormatName}): {Numbers.Count(profile.SampleCount)} samples, " +
            $"{Numbers.Count(profile.Stacks.Count)} stacks, {Numbers.Count(profile.Threads.Count)} threads from {TerminalText.Escape(options.Input)} " +
            $"({profile.Metadata.Properties.GetValueOrDefault("source.format", "?")})");
        return ExitCodes.Ok;
    }

    /// <summary>The dot writer with the thresholds asked for; they mean nothing to other formats, so there they are an error.</summary>
    private static IProfileWriter WithThresholds(IProfileWriter writer, ConvertOptions options)
    {
        if (options.NodeThreshold is null && options.EdgeThreshold is null) return writer;
        if (writer is not DotWriter)
            throw new UsageException($"--node-threshold and --edge-threshold only apply to dot output, not {writer.FormatName}; write a .dot file or give -f dot");
        var defaults = DotOptions.Default;
        return new DotWriter(new DotOptions(options.NodeThreshold ?? defaults.NodeThresholdPercent, options.EdgeThreshold ?? defaults.EdgeThresholdPercent));
    }

    private static int WeightIndex(Profile profile, string? name)
    {
        if (name is null) return 0;
        var index = profile.WeightIndex(name);
        if (index >= 0) return index;
        throw new UsageException($"this profile has no weight '{name.ReplaceLineEndings(" ")}'; it has: {string.Join(", ", profile.WeightTypes.Select(w => w.Name))}");
    }
}
