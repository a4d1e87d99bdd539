using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Cli.Console;

/// <summary>What `record` prints when it ends: how the sampling went and where the time went.</summary>
internal static class RecordingSummary
{
    public static void Print(Terminal terminal, Profile profile, string outputPath)
    {
        var stats = profile.Metadata.Sampler;
        var error = terminal.Error;
        var seconds = profile.Metadata.Duration.TotalSeconds;
        error.WriteLine(
            $"sonde: {Numbers.Seconds(seconds)}, {Numbers.Count(stats.Samples)} samples from {Numbers.Count(stats.Ticks)} ticks " +
            $"at {Numbers.Hz(stats.AchievedRateHz)} (asked {Numbers.Hz(stats.RequestedRateHz)}); " +
            $"{Numbers.Count(stats.Errors)} errors, {Numbers.Count(stats.Late)} late; " +
            $"sampler CPU {Numbers.Millis(stats.CpuTimeNs / 1e6)} ({Numbers.Micros(PerSampleNs(stats.CpuTimeNs, stats) / 1e3)}/sample)" +
            (stats.ReadingCpuTimeNs > 0 ? $", reading {Numbers.Micros(PerSampleNs(stats.ReadingCpuTimeNs, stats) / 1e3)}/sample" : ""));
        if (stats.RequestedRateHz > 0 && stats.AchievedRateHz < stats.RequestedRateHz * 0.9 && stats.Ticks > 10)
            error.WriteLine(terminal.Yellow($"sonde: the sampler fell behind: {Numbers.Hz(stats.AchievedRateHz)} achieved of {Numbers.Hz(stats.RequestedRateHz)} asked", forError: true));

        var functions = FunctionTable.Build(profile).OrderByDescending(f => f.Own).Take(10).ToList();
        var total = profile.TotalWeight();
        if (functions.Count > 0)
        {
            error.WriteLine(terminal.Bold("  own      total    function", forError: true));
            foreach (var f in functions)
                error.WriteLine($"  {Numbers.Percent(f.Own, total),-8} {Numbers.Percent(f.Total, total),-8} {TerminalText.Escape(f.Function.Label)}");
        }
        else
        {
            error.WriteLine("sonde: no Python stacks were sampled" + (stats.Ticks > 0 ? " (threads idle? try --idle)" : ""));
        }
        error.WriteLine($"sonde: wrote {TerminalText.Escape(outputPath)}");
    }

    /// <summary>
    /// The sampling thread's CPU divided by the stacks it recorded: what one more sample costs, the figure to set
    /// against the target's own time. Ticks that recorded nothing (every thread idle) still cost a little, so
    /// with mostly idle threads this overstates the cost of a stack.
    /// </summary>
    private static double PerSampleNs(long cpuNs, SamplerStatistics stats) =>
        stats.Samples > 0 ? (double)cpuNs / stats.Samples : 0;
}
