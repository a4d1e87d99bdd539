using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Metrics;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Metrics;

/// <summary>`sonde metrics` against a real Python process, checked by Prometheus's own tools and server.</summary>
public sealed class MetricsCliTests : IDisposable
{
    private static readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly TempDirectory _directory = new();
    private readonly List<Process> _started = [];

    public void Dispose()
    {
        foreach (var process in _started)
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            process.WaitForExit();
            process.Dispose();
        }
        _directory.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Process StartSonde(params string[] args)
    {
        var process = Process.Start(SondeCli.StartInfo(args, _directory.Path))!;
        _started.Add(process);
        return process;
    }

    /// <summary>Polls until <paramref name="ready"/> accepts what <paramref name="fetch"/> returns, or fails after a minute.</summary>
    private static async Task<string> WaitFor(Func<Task<string>> fetch, Func<string, bool> ready, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await fetch();
                if (ready(last)) return last;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"{what} did not happen within 90 s; last seen:\n{last}");
    }

    private static Task<string> Get(string url) => _http.GetStringAsync(url, TestContext.Current.CancellationToken);

    private static double Value(string exposition, string series)
    {
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"no series {series} in:\n{exposition}");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Prometheus_scrapes_metrics_that_match_the_process_and_pass_promtool()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");
        var prometheus = ExternalTool.Require("prometheus", "prometheus");
        var python = PythonInstalls.Require("3.12").Path!;
        using var target = PythonProcess.Start(python, Repository.Fixture("metrics_target.py"), []);
        var ready = target.ReadyLine!.Split(' ');
        var (version, threads) = (ready[1], int.Parse(ready[2], CultureInfo.InvariantCulture));
        var port = FreePort();
        var sonde = StartSonde("metrics", "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "--listen", $"127.0.0.1:{port}", "--interval", "1");

        var url = $"http://127.0.0.1:{port}/metrics";
        var body = await WaitFor(() => Get(url), b => b.Contains("python_function_cpu_ratio{"), "a window with top functions");
        var check = ExternalTool.Run(promtool, ["check", "metrics"], environment: null, stdin: body);
        Assert.True(check.ExitCode == 0, check.ToString());

        Assert.Contains($"python_info{{implementation=\"cpython\",version=\"{version}\",pid=\"{target.Pid}\"}} 1", body);
        var states = ProcessStats.States.Sum(s => Value(body, $"python_process_threads{{state=\"{s}\"}}"));
        Assert.Equal(threads, states);
        Assert.True(Value(body, "python_process_threads{state=\"sleeping\"}") >= 1, body);
        Assert.True(Value(body, "python_function_cpu_ratio{function=\"burn (" + Repository.Fixture("metrics_target.py") + ":11)\"}") > 0.5, body);
        Assert.True(Value(body, "python_gil_held_ratio") > 0.3, body);
        Assert.True(Value(body, "python_samples_total{state=\"idle\"}") > 0, body);
        var rss = Value(body, "python_process_resident_memory_bytes");
        var statusRss = long.Parse(File.ReadAllLines($"/proc/{target.Pid}/status").Single(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        Assert.InRange(rss, statusRss * 0.5, statusRss * 2.0);
        // The burner thread never waits, so CPU time grows; by no more than the wall clock on each core (how much
        // less depends on how busy the machine is).
        var cpu = Value(body, "python_process_cpu_seconds_total");
        var clock = Stopwatch.StartNew();
        await Task.Delay(2000, TestContext.Current.CancellationToken);
        var later = Value(await Get(url), "python_process_cpu_seconds_total");
        Assert.InRange(later - cpu, 0.01, (clock.Elapsed.TotalSeconds + 0.1) * Environment.ProcessorCount);

        var prometheusPort = FreePort();
        var config = _directory.File("prometheus.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: sonde\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n");
        var server = Process.Start(new ProcessStartInfo(prometheus)
        {
            ArgumentList = { $"--config.file={config}", $"--storage.tsdb.path={_directory.File("tsdb")}", $"--web.listen-address=127.0.0.1:{prometheusPort}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _started.Add(server);
        server.ErrorDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();

        Task<string> Query(string promql) => Get($"http://127.0.0.1:{prometheusPort}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        var info = await WaitFor(() => Query("python_info"), r => r.Contains("\"version\""), "Prometheus scraping python_info");
        var result = JsonDocument.Parse(info).RootElement.GetProperty("data").GetProperty("result")[0];
        Assert.Equal(version, result.GetProperty("metric").GetProperty("version").GetString());
        Assert.Equal("sonde", result.GetProperty("metric").GetProperty("job").GetString());
        var burn = await WaitFor(() => Query("python_function_cpu_ratio{function=~\"burn .*\"}"), r => r.Contains("burn ("), "Prometheus scraping the top functions");
        Assert.Contains("metrics_target.py", burn);
        var up = JsonDocument.Parse(await Query("up{job=\"sonde\"}")).RootElement.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString();
        Assert.Equal("1", up);
        Assert.False(sonde.HasExited);
    }

    [Fact]
    public async Task Otlp_pushes_protobuf_to_a_collector()
    {
        var python = PythonInstalls.Require("3.12").Path!;
        using var target = PythonProcess.Start(python, Repository.Fixture("metrics_target.py"), []);
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        StartSonde("metrics", "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "--otlp", $"http://127.0.0.1:{port}", "--interval", "1");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var context = await collector.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow, TestContext.Current.CancellationToken);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, TestContext.Current.CancellationToken);
            var (path, contentType) = (context.Request.Url!.AbsolutePath, context.Request.ContentType);
            context.Response.StatusCode = 200;
            context.Response.Close();
            Assert.Equal("/v1/metrics", path);
            Assert.Equal("application/x-protobuf", contentType);
            // Protobuf keeps strings as UTF-8 bytes: the metric and attribute names are there to find.
            var text = Encoding.UTF8.GetString(body.ToArray());
            Assert.Contains("python.process.cpu.time", text);
            Assert.Contains("sonde-metrics", text);
            if (!text.Contains("python.function.cpu.ratio")) continue; // the first push may come before a window closed
            Assert.Contains("burn", text);
            break;
        }
    }

    [Fact]
    public void A_taken_port_and_a_target_that_exits_each_get_one_line()
    {
        var python = PythonInstalls.Require("3.12").Path!;
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using (var target = PythonProcess.Start(python, Repository.Fixture("metrics_target.py"), []))
        {
            var busy = SondeCli.Run("metrics", "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "--listen", $"127.0.0.1:{port}");
            Assert.Equal(2, busy.ExitCode);
            Assert.Equal($"sonde: 127.0.0.1:{port} is already in use by another program; choose another with --listen 127.0.0.1:PORT", busy.StdErr.TrimEnd());
        }

        using var shortLived = PythonProcess.Start(python, Repository.Fixture("metrics_target.py"), ["3"]);
        var exited = SondeCli.Run("metrics", "-p", shortLived.Pid.ToString(CultureInfo.InvariantCulture), "--listen", $"127.0.0.1:{FreePort()}");
        Assert.Equal(3, exited.ExitCode);
        Assert.EndsWith($"sonde: process {shortLived.Pid} exited; stopped exporting its metrics", exited.StdErr.TrimEnd());
    }

    [Fact]
    public void Hostile_function_names_stay_valid_exposition()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");
        var snapshot = new MetricsSnapshot(1, "3.12.1", new ProcessStats(1.5, 4096, ProcessStats.States.ToDictionary(s => s, _ => 1)), 10, 0, 5, 5, 4, 0.4,
            [new FunctionShare("evil\"} 1\nfake_metric{a=\"\\ (x.py:1)", 0.75), new FunctionShare(MetricsCollector.OtherLabel, 0.25)]);
        var body = PrometheusExposition.Write(snapshot);
        var check = ExternalTool.Run(promtool, ["check", "metrics"], stdin: body);
        Assert.True(check.ExitCode == 0, check + "\n" + body);
        Assert.DoesNotContain("\nfake_metric", body);
        Assert.Contains("python_function_cpu_ratio{function=\"evil\\\"} 1\\nfake_metric{a=\\\"\\\\ (x.py:1)\"} 0.75", body);
    }
}
