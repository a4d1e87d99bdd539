using System.Globalization;
using System.Text;
using Sonde.Profiles;

namespace Sonde.Formats.Callgrind;

/// <summary>
/// The callgrind profile format (valgrind's "Callgrind Format Specification"), read by callgrind_annotate and
/// KCacheGrind: one event per weight type, each function's own cost per source line, and for each call site
/// the samples through it (<c>calls=</c>) and its inclusive cost. See <see cref="CallgrindCosts"/> for how
/// recursion is counted.
/// </summary>
public sealed class CallgrindWriter : IProfileWriter
{
    public string FormatName => "callgrind";

    public void Write(Profile profile, Stream output, WriteOptions options)
    {
        StackWeights.CheckWeightIndex(profile, options.WeightIndex);
        var costs = CallgrindCosts.Collect(profile, options);
        var names = new CallgrindNames(costs.Functions);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };

        WriteHeader(writer, profile, options);
        writer.Write("summary:");
        WriteCosts(writer, costs.Totals);

        var own = costs.OwnCostsByFunction();
        var calls = costs.CallsByCaller();
        for (var function = 0; function < costs.Functions.Count; function++)
        {
            writer.WriteLine();
            writer.WriteLine($"fl={names.File(names.FunctionFiles[function])}");
            writer.WriteLine($"fn={names.Function(function)}");
            foreach (var (line, cost) in own[function])
            {
                writer.Write(line.ToString(CultureInfo.InvariantCulture));
                WriteCosts(writer, cost);
            }
            foreach (var (line, callee, call) in calls[function])
            {
                writer.WriteLine($"cfl={names.File(names.FunctionFiles[callee])}");
                writer.WriteLine($"cfn={names.Function(callee)}");
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calls={call.Samples} {costs.Functions[callee].FirstLine}"));
                writer.Write(line.ToString(CultureInfo.InvariantCulture));
                WriteCosts(writer, call.Costs);
            }
        }
    }

    /// <summary>callgrind_annotate reads the header up to <c>events:</c>, so that line comes last.</summary>
    private static void WriteHeader(StreamWriter writer, Profile profile, WriteOptions options)
    {
        writer.WriteLine("# callgrind format");
        writer.WriteLine("version: 1");
        writer.WriteLine("creator: sonde");
        if (profile.Metadata.ProcessId is { } pid) writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pid: {pid}"));
        var command = options.Title ?? profile.Metadata.Command;
        if (command is not null) writer.WriteLine($"cmd: {CallgrindNames.OneLine(command)}");
        writer.WriteLine("part: 1");
        writer.WriteLine("positions: line");
        var events = profile.WeightTypes.Select(CallgrindNames.Event).ToArray();
        for (var i = 0; i < events.Length; i++)
        {
            var type = profile.WeightTypes[i];
            writer.WriteLine($"event: {events[i]} : {CallgrindNames.OneLine(type.Name)} ({CallgrindNames.OneLine(type.Unit)})");
        }
        writer.WriteLine($"events: {string.Join(' ', events)}");
    }

    private static void WriteCosts(StreamWriter writer, ReadOnlySpan<long> costs)
    {
        foreach (var cost in costs)
        {
            writer.Write(' ');
            writer.Write(cost.ToString(CultureInfo.InvariantCulture));
        }
        writer.WriteLine();
    }
}
