using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sonde.Formats;
using Sonde.Formats.Native;
using Sonde.Profiles;
using Sonde.Web;

// Measures `sonde view` on a large profile: how long the server takes to build each view's JSON (in process,
// from a fresh cache), and how long interactions take in headless Chromium against the real `sonde view`,
// timed in the page from the event to the next frame. Each page run starts a fresh server; medians over runs.
// Usage: ViewInteractions SONDE [SAMPLES] [RUNS]
var sonde = args[0];
var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
// "-states": the profile carries a thread state per sample, as `sonde record` writes since format 1.3.
var path = Path.Combine(Path.GetTempPath(), $"sonde-view-bench-{samples}-states.sonde");
if (!File.Exists(path))
{
    using var stream = File.Create(path);
    var writer = new NativeStreamWriter(stream);
    writer.Complete(Generate(samples));
}
Console.WriteLine($"profile: {path}, {new FileInfo(path).Length / 1e6:0.0} MB, {samples:N0} samples");

var results = new Dictionary<string, List<double>>();
void Add(string name, double ms) => (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(ms);

using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

// Server side, in process: each view's JSON built from a fresh cache, as the first request for it does.
var profile = FormatRegistry.ReadFile(path);
for (var run = 0; run <= runs; run++)
{
    var loaded = new LoadedProfile("0", "bench", profile);
    var sources = new SourceFiles([Path.GetTempPath()]);
    var builds = new (string Name, Func<byte[]> Build)[]
    {
        ("summary", () => SummaryView.Build(loaded, sources)),
        ("tree, samples", () => TreeView.Build(loaded, 0, -1)),
        ("tree, wall time", () => TreeView.Build(loaded, 1, -1)),
        ("tree, one thread", () => TreeView.Build(loaded, 0, 1)),
        ("function table", () => TableView.Build(loaded, 0, -1)),
        ("timeline", () => TimelineView.Build(loaded, 0, TimelineView.DefaultBins)),
    };
    foreach (var (name, build) in builds)
    {
        var watch = Stopwatch.StartNew();
        var json = build();
        if (run == 0) continue; // warm-up: JIT
        Add($"server builds {name}", watch.Elapsed.TotalMilliseconds);
        Add($"  {name}: JSON KB", json.Length / 1024.0);
    }
}

for (var run = 0; run <= runs; run++)
{
    var started = Stopwatch.StartNew();
    using var pageServer = StartServer(sonde, path, out var pageUrl);
    try
    {
        // The views the server prepares in the background; once each has answered, all are built.
        foreach (var view in new[] { "summary", "tree?w=0", "tree?w=1", "table", "timeline" })
            await http.GetByteArrayAsync(new Uri(pageUrl, $"api/p/0/{view}"));
        var prepared = started.Elapsed.TotalMilliseconds;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var load = Stopwatch.StartNew();
        await page.GotoAsync(pageUrl.ToString());
        await page.WaitForFunctionAsync("() => document.body.dataset.state === 'ready'");
        var loadMs = load.Elapsed.TotalMilliseconds;
        var zoom = await page.EvaluateAsync<double>(@"async () => {
            const canvas = document.getElementById('flame-canvas');
            const t = sonde.tree, node = t.kids(t.roots[0])[0];
            const rect = canvas.getBoundingClientRect();
            const rows = sonde.flame.rows();
            const x = rect.left + rect.width * (t.offset[node] + t.total[node] / 2) / t.grandTotal;
            const y = rect.top + (rows - 1 - t.depth[node]) * 18 + 9;
            const start = performance.now();
            canvas.dispatchEvent(new MouseEvent('click', { clientX: x, clientY: y, bubbles: true }));
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
            if (document.body.dataset.zoom !== t.name(node)) throw new Error('zoom missed');
            return performance.now() - start;
        }");
        var search = await page.EvaluateAsync<double>(@"async () => {
            const input = document.getElementById('search');
            const start = performance.now();
            input.value = 'func_1';
            input.dispatchEvent(new Event('input'));
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
            if (!document.body.dataset.matched) throw new Error('no search');
            return performance.now() - start;
        }");
        double Interaction(string script) => page.EvaluateAsync<double>(script).GetAwaiter().GetResult();
        var table = Interaction(@"async () => { const s = performance.now(); await sonde.show('table');
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - s; }");
        var back = Interaction(@"async () => { const s = performance.now(); await sonde.show('flame');
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - s; }");
        var weight = Interaction(@"async () => { const s = performance.now(); sonde.weight = 1; await sonde.reload();
            await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - s; }");
        // As a user's click arrives: through Playwright and the DevTools protocol, until the page says it zoomed.
        var box = (await page.Locator("#flame-canvas").BoundingBoxAsync())!;
        var clickWatch = Stopwatch.StartNew();
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height - 9);
        await page.WaitForFunctionAsync("() => document.body.dataset.zoom !== ''");
        var click = clickWatch.Elapsed.TotalMilliseconds;
        await page.CloseAsync();
        if (run == 0) continue; // warm-up: JIT of server and CLI, browser caches
        Add("start, read, prepare views (background)", prepared);
        Add("page load to first flame graph", loadMs);
        Add("zoom (click on a frame)", zoom);
        Add("search (type, highlight)", search);
        Add("switch to function table (first time)", table);
        Add("switch back to flame graph", back);
        Add("switch weight (new tree from server)", weight);
        Add("zoom via Playwright mouse click", click);
    }
    finally
    {
        if (!pageServer.HasExited) pageServer.Kill(entireProcessTree: true);
    }
}

Console.WriteLine($"{"measure",-44} {"median",9} {"min",9} {"max",9}  ({runs} runs)");
foreach (var (name, values) in results)
{
    values.Sort();
    var unit = name.EndsWith("KB", StringComparison.Ordinal) ? "KB" : "ms";
    Console.WriteLine($"{name,-44} {values[values.Count / 2],9:0.0} {values[0],9:0.0} {values[^1],9:0.0}  {unit}");
}

static Process StartServer(string sonde, string profile, out Uri url)
{
    var info = new ProcessStartInfo(sonde) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var arg in new[] { "view", profile }) info.ArgumentList.Add(arg);
    var process = Process.Start(info)!;
    var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException(process.StandardError.ReadToEnd());
    url = new Uri(Regex.Match(line, @"http://\S+/").Value);
    _ = process.StandardOutput.ReadToEndAsync();
    _ = process.StandardError.ReadToEndAsync();
    return process;
}

// Shaped like a long recording: four threads, a few thousand deep stacks with shared prefixes, samples of both
// a count and a wall-time weight, 10 ms apart per thread.
static Profile Generate(int count)
{
    var random = new Random(12345);
    var profile = new Profile(WeightType.Samples, WeightType.WallTime);
    const int threads = 4;
    for (var t = 0; t < threads; t++) profile.ThreadIndex(1000, 1000 + t, t == 0 ? "MainThread" : $"worker-{t}");
    var stacks = new int[3000];
    for (var s = 0; s < stacks.Length; s++)
    {
        var depth = 10 + random.Next(30);
        var stack = StackTable.Root;
        for (var d = 0; d < depth; d++)
        {
            var function = d < 5 ? d * 3 + random.Next(3) : random.Next(400);
            stack = profile.Stacks.Intern(stack, profile.Frames.Intern(new Frame($"func_{function}", $"/srv/app/module_{function % 40}.py", function * 10 + 1)));
        }
        stacks[s] = stack;
    }
    Span<long> weights = stackalloc long[2];
    for (var i = 0; i < count; i++)
    {
        weights[0] = 1;
        weights[1] = 9_000_000 + random.Next(2_000_000);
        // A skewed choice of stack, as hot paths dominate real profiles.
        var stack = stacks[(int)(stacks.Length * Math.Pow(random.NextDouble(), 3))];
        // Thread 0 mostly holds the GIL, the others run or wait, as a recording with --idle sees them.
        var state = i % threads == 0 ? SampleState.HoldingGil : random.Next(3) == 0 ? SampleState.Running : SampleState.Idle;
        profile.AddSample(stack, i % threads, (i / threads) * 10_000_000L, weights, state);
    }
    return profile;
}
