using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Metrics;

/// <summary>
/// `sonde mem --metrics`: the agent's GC and tracemalloc figures on /metrics while the program runs, checked by
/// promtool and against what the fixture measured itself (gc.get_stats(), its own timing of gc.collect(),
/// tracemalloc.get_traced_memory()).
/// </summary>
public sealed class AgentMetricsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Pythons => new() { "3.9", "3.12" };

    public void Dispose() => _directory.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Value(string exposition, string series)
    {
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [Theory, MemberData(nameof(Pythons))]
    public async Task Mem_serves_gc_and_tracemalloc_metrics_that_match_the_fixture(string label)
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");
        var python = PythonInstalls.Require(label).Path!;
        var port = FreePort();
        var result = _directory.File("truth.json");
        var stop = _directory.File("stop");
        using var sonde = Process.Start(SondeCli.StartInfo(["mem", "--tracemalloc", "--no-store", "--metrics", $"127.0.0.1:{port}", "-o", _directory.File("m.sonde"),
            "--", python, Repository.Fixture("gc_metrics.py"), result, stop], _directory.Path))!;
        var stderr = sonde.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            string? body = null;
            // Figures arrive with the agent's flushes; wait for the last collection and the kept 16 MiB.
            while (body is null || !File.Exists(result) || !(Value(body, "python_gc_collections_total{generation=\"2\"}") >= 10)
                   || !(Value(body, "python_tracemalloc_traced_bytes") >= 16 << 20))
            {
                Assert.True(DateTime.UtcNow < deadline && !sonde.HasExited, $"metrics never showed the fixture's work:\n{body}");
                await Task.Delay(200, TestContext.Current.CancellationToken);
                try { body = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", TestContext.Current.CancellationToken); }
                catch (HttpRequestException) { }
            }

            var check = ExternalTool.Run(promtool, ["check", "metrics"], stdin: body);
            Assert.True(check.ExitCode == 0, check.ToString());

            using var truth = JsonDocument.Parse(File.ReadAllText(result));
            var before = truth.RootElement.GetProperty("before").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var after = truth.RootElement.GetProperty("after").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var spent = truth.RootElement.GetProperty("spent").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (var g = 0; g < 3; g++)
            {
                var collections = Value(body, $"python_gc_collections_total{{generation=\"{g}\"}}");
                // The agent saw every collection the fixture made, and none from before the interpreter started
                // (gc.get_stats() counts from there; automatic collection was off in between).
                Assert.InRange(collections, after[g] - before[g], after[g]);
                var pause = Value(body, $"python_gc_pause_seconds_total{{generation=\"{g}\"}}");
                Assert.True(pause > 0, $"generation {g} paused {pause} s");
            }
            // The pauses are measured inside gc.collect(), which the fixture timed around each call; start-up's few
            // collections before the fixture ran get a generous allowance.
            Assert.True(Value(body, "python_gc_pause_seconds_total{generation=\"2\"}") <= spent[2] + 0.05, body);

            var traced = truth.RootElement.GetProperty("traced").GetInt64();
            Assert.InRange(Value(body, "python_tracemalloc_traced_bytes"), traced * 0.95, traced * 1.05);
            Assert.True(Value(body, "python_tracemalloc_traced_peak_bytes") >= Value(body, "python_tracemalloc_traced_bytes"));
            Assert.Contains($"version=\"{label}.", body, StringComparison.Ordinal);
        }
        finally
        {
            File.WriteAllText(stop, "");
        }
        Assert.True(sonde.WaitForExit(TimeSpan.FromMinutes(2)), "sonde mem did not end");
        Assert.True(sonde.ExitCode == 0, await stderr);
    }
}
