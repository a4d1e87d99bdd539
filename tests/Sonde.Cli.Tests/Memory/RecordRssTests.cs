using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Formats;
using Sonde.Profiles;
using Sonde.Profiles.Memory;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Memory;

/// <summary>`sonde record` samples RSS from outside: the timeline rises while the fixture allocates, and the growth weighs the stacks that ran then.</summary>
public sealed class RecordRssTests : IDisposable
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    private const long Mib = 1024 * 1024;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory, MemberData(nameof(Pythons))]
    public void RssRisesWhileTheFixtureAllocatesAndTheGrowthIsItsStack(string label)
    {
        var python = PythonInstalls.Require(label);
        var output = _directory.File($"record-{label}.sonde");
        var truthPath = _directory.File($"truth-{label}.json");
        var result = SondeCli.Run(TimeSpan.FromSeconds(180), "record", "-o", output, "--", python.Path!, Repository.Fixture("mem_fixture.py"), truthPath);
        Assert.True(result.ExitCode == 0, result.ToString());

        using var truthDocument = JsonDocument.Parse(File.ReadAllText(truthPath));
        var truth = truthDocument.RootElement;
        var profile = FormatRegistry.ReadFile(output);
        var origin = (profile.Metadata.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var spike = truth.GetProperty("spike_mib").GetInt64() * Mib;
        var start = truth.GetProperty("spike_start_ns").GetInt64() - origin;
        var end = truth.GetProperty("spike_end_ns").GetInt64() - origin;
        var rss = profile.Memory!.Series[MemoryData.RssSeries];
        var before = rss.Where(p => p.TimeNs <= start).Select(p => p.Value).DefaultIfEmpty(0).Last();
        var during = rss.Where(p => p.TimeNs >= start && p.TimeNs <= end).Select(p => p.Value).DefaultIfEmpty(0).Max();
        Assert.True(during - before >= spike * 3 / 4, $"RSS went from {before} to {during} during a {spike} byte spike");

        // The growth is charged to the stacks running when it was seen: spike() more than hold(), which allocates
        // less. Growth seen after spike's last chunk goes to whatever runs after its sleep, hence a third.
        var inSpike = GrowthIn(profile, "spike");
        Assert.True(inSpike >= spike / 3, $"only {inSpike} bytes of RSS growth were charged to spike()");
        Assert.True(inSpike > GrowthIn(profile, "hold"), "hold() was charged more RSS growth than spike()");
    }

    private static long GrowthIn(Profile profile, string function)
    {
        var growth = profile.WeightIndex(WeightType.RssGrowth.Name);
        long total = 0;
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var stack = profile.StackIdOf(i);
            if (stack >= 0 && profile.Stacks.FramesOf(stack).Any(f => profile.Frames[f].Function == function)) total += profile.WeightOf(i, growth);
        }
        return total;
    }
}
