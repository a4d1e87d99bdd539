using System.Globalization;
using System.Text.Json;
using Sonde.Testing;
using Sonde.Web.Tests.Support;

namespace Sonde.Web.Tests;

/// <summary>
/// The timeline of real recordings: thread states of a program with a computing and a sleeping thread, checked
/// against the CPU time each thread measured itself; and the RSS, traced-memory and GC lanes of a <c>sonde mem</c>
/// profile.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TimelineTests(BrowserFixture browser)
{
    private const int Label = 180, Lane = 28;
    private const int Gil = 0xdc2626, Running = 0xf59e0b, Idle = 0x93c5fd;

    [Fact]
    public async Task EachThreadsLaneShowsWhenItRanAndWhenItWaited()
    {
        var python = PythonInstalls.Require(PythonInstalls.DebianLabel);
        using var temp = new TempDirectory();
        var profile = temp.File("states.sonde");
        var truthPath = temp.File("truth.json");
        SondeRun.Run(temp.Path, "record", "--idle", "-o", profile, "--", python.Path!, Repository.Fixture("thread_states.py"), truthPath, "2");
        using var truth = JsonDocument.Parse(File.ReadAllText(truthPath));
        var busyCpu = truth.RootElement.GetProperty("busy").GetDouble();
        var sleeperCpu = truth.RootElement.GetProperty("sleeper").GetDouble();

        using var view = ViewProcess.Start(temp.Path, profile);
        var page = await browser.NewPageAsync();
        await page.OpenAsync(view.Url);
        await page.ShowAsync("timeline");
        Assert.True(await page.Locator("#timeline-legend").IsVisibleAsync(), "the state legend is hidden");

        // Lanes in the order the page draws them, named by the threads the fixture started.
        var lanes = await page.EvaluateAsync<string[]>("() => window.sonde.timelineData.threads.map((t) => window.sonde.summary.threads[t.thread].name)");
        var busy = Array.IndexOf(lanes, "busy");
        var sleeper = Array.IndexOf(lanes, "sleeper");
        Assert.True(busy >= 0 && sleeper >= 0, $"lanes: {string.Join(", ", lanes)}");
        var shares = await page.EvaluateAsync<double[][]>(@"() => window.sonde.timelineData.threads.map((t) => {
            const sum = (a) => a.reduce((x, y) => x + y, 0), s = t.states, all = sum(s.idle) + sum(s.running) + sum(s.gil);
            return [(sum(s.running) + sum(s.gil)) / all, sum(s.idle) / all, sum(s.gil) / all];
        })");

        // /proc says R for a thread that waits for a CPU as well as for one on it, so the busy thread's running
        // share is at least its CPU share (less on a loaded machine than the running share), and the sleeper's idle
        // share is at least its time off the CPU.
        Assert.True(shares[busy][0] >= Math.Max(0.5, busyCpu - 0.1), $"busy lane running {shares[busy][0]:P0}, its CPU share {busyCpu:P0}");
        Assert.True(shares[busy][2] > 0.5, $"the busy thread held the GIL in {shares[busy][2]:P0} of its samples");
        Assert.True(shares[sleeper][1] >= Math.Min(0.85, 1 - sleeperCpu - 0.1), $"sleeper lane idle {shares[sleeper][1]:P0}, its CPU share {sleeperCpu:P0}");

        // And that is what is drawn: the busy lane mostly in the running and GIL colours, the sleeper's mostly idle.
        var shot = await page.ShotAsync("#timeline-canvas");
        var (busyHot, busyIdle) = LaneColours(shot, busy);
        var (sleeperHot, sleeperIdle) = LaneColours(shot, sleeper);
        Assert.True(busyHot > 3 * busyIdle, $"busy lane: {busyHot} running/GIL pixels, {busyIdle} idle");
        Assert.True(sleeperIdle > 3 * sleeperHot, $"sleeper lane: {sleeperIdle} idle pixels, {sleeperHot} running/GIL");
        Assert.True(PngPixels.DistinctColours(shot) > 10, "the timeline drew nothing");

        var tooltip = await page.TooltipAtAsync("#timeline-canvas", 0.6, busy * Lane + Lane / 2);
        Assert.Contains("busy", tooltip);
        Assert.Contains("holding the GIL:", tooltip);
    }

    [Fact]
    public async Task AMemoryProfileHasMemoryLanesAndAMemoryTabThatMatchesWhatTheFixtureKept()
    {
        var python = PythonInstalls.Require(PythonInstalls.DebianLabel);
        using var temp = new TempDirectory();
        var profile = temp.File("mem.sonde");
        SondeRun.Run(temp.Path, "mem", "-o", profile, "--", python.Path!, Repository.Fixture("mem_fixture.py"), temp.File("truth.json"));
        using var truth = JsonDocument.Parse(File.ReadAllText(temp.File("truth.json")));
        var leakMib = truth.RootElement.GetProperty("leak_mib").GetInt32();

        using var view = ViewProcess.Start(temp.Path, profile);
        var page = await browser.NewPageAsync();
        await page.OpenAsync(view.Url);
        await page.ShowAsync("timeline");
        var names = await page.EvaluateAsync<string[]>("() => window.sonde.timelineData.lanes.map((l) => l.name)");
        Assert.Equal(["RSS", "traced memory", "GC"], names);
        Assert.False(await page.Locator("#timeline-legend").IsVisibleAsync(), "a profile without thread states shows their legend");

        // The fixture's 40 MiB spike is in the traced-memory line.
        var tracedPeak = await page.EvaluateAsync<long>("() => Math.max(...window.sonde.timelineData.lanes[1].v)");
        Assert.True(tracedPeak > 40L << 20, $"traced memory peaks at {tracedPeak} bytes");

        // The longest collection, hovered where it is drawn, tells its generation and pause.
        var threads = await page.EvaluateAsync<int>("() => window.sonde.timelineData.threads.length");
        var (fraction, generation, pause) = await LongestCollection(page);
        var width = (await page.Locator("#timeline-canvas").BoundingBoxAsync())!.Width;
        var x = (Label + fraction * (width - Label - 8) + 0.5) / width;
        var tooltip = await page.TooltipAtAsync("#timeline-canvas", x, (threads + 2) * Lane + Lane / 2);
        Assert.Contains($"generation {generation}", tooltip);
        Assert.Contains("pause", tooltip);
        Assert.Contains(FormatMilliseconds(pause), tooltip);
        Assert.True(PngPixels.DistinctColours(await page.ShotAsync("#timeline-canvas")) > 10, "the timeline drew nothing");

        // The memory tab: `hold` keeps leak_mib MiB alive until exit, and the leak table says so within 10%.
        await page.ShowAsync("memory");
        var hold = await page.Locator("#memory-leaks tbody tr:has(td.name:text-is('hold')) td").AllTextContentsAsync();
        Assert.Equal(3, hold.Count);
        Assert.EndsWith(" MiB", hold[2]);
        var held = double.Parse(hold[2][..^4], CultureInfo.InvariantCulture);
        Assert.InRange(held, leakMib * 0.9, leakMib * 1.1);
        var leaked = long.Parse((await page.Locator("#memory-leaked").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        Assert.True(leaked >= leakMib * 0.9 * (1 << 20), $"live at exit: {leaked} bytes");
        var peak = long.Parse((await page.Locator("#memory-peak").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        Assert.True(peak > truth.RootElement.GetProperty("spike_mib").GetInt32() * (1L << 20), $"peak traced: {peak} bytes");
        Assert.Equal("spike", await page.Locator("#memory-sites tbody tr td.name").First.TextContentAsync());
        Assert.NotEmpty(await page.Locator("#memory-longest tbody tr").AllAsync());

        // The allocation flame graph is the flame graph drawn by a memory weight.
        await page.ClickAsync("#memory-weights button[data-weight='leaked-bytes']");
        await page.WaitForFunctionAsync("() => document.body.dataset.view === 'flame' && document.body.dataset.state === 'ready'");
        Assert.Equal("leaked-bytes", await page.EvaluateAsync<string>("() => window.sonde.summary.weights[window.sonde.weight].name"));
        Assert.True(PngPixels.DistinctColours(await page.ShotAsync("#flame-canvas")) > 10, "the leak flame graph drew nothing");
    }

    private static async Task<(double Fraction, int Generation, long Pause)> LongestCollection(Microsoft.Playwright.IPage page)
    {
        var values = await page.EvaluateAsync<double[]>(@"() => {
            const d = window.sonde.timelineData, gc = d.lanes[2];
            let i = 0;
            gc.v.forEach((v, j) => { if (v > gc.v[i]) i = j; });
            return [gc.t[i] / d.endNs, gc.gen[i], gc.v[i]];
        }");
        return (values[0], (int)values[1], (long)values[2]);
    }

    // As the page's formatValue writes a pause of at least a millisecond (the fixture's gen2 collections are).
    private static string FormatMilliseconds(long ns) =>
        ns >= 1_000_000 ? (ns / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " ms" : "µs";

    /// <summary>Pixels of one lane's plot in the running or GIL colours, and in the idle colour.</summary>
    private static (int Hot, int Idle) LaneColours(byte[] png, int lane)
    {
        var width = PngPixels.Width(png);
        var pixels = PngPixels.Decode(png).ToArray();
        var (hot, idle) = (0, 0);
        for (var y = lane * Lane + 2; y < lane * Lane + Lane - 2; y++)
        {
            for (var x = Label; x < width; x++)
            {
                var p = pixels[y * width + x];
                if (p is Gil or Running) hot++;
                else if (p == Idle) idle++;
            }
        }
        return (hot, idle);
    }
}
