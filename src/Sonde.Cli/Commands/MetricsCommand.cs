using System.CommandLine;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.Targets;
using Sonde.Metrics;
using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Commands;

/// <summary>
/// `sonde metrics`: watches a running Python process from outside, with no agent, and serves its runtime metrics to
/// Prometheus on /metrics and/or pushes them over OTLP.
/// </summary>
internal static class MetricsCommand
{
    private const int MaxTop = 100;

    public static Command Create(Terminal terminal)
    {
        var pid = CommonOptions.Pid();
        var listen = new Option<string?>("--listen") { Description = $"Serve /metrics at ADDRESS:PORT (default {ListenAddress.Default}; without --otlp only)", HelpName = "ADDRESS:PORT" };
        var otlp = new Option<string?>("--otlp") { Description = "Also push over OTLP/HTTP to this collector, e.g. http://127.0.0.1:4318", HelpName = "URL" };
        var interval = new Option<double>("--interval") { Description = "Seconds per window for the GIL and top-function shares, and between OTLP pushes", DefaultValueFactory = _ => 10 };
        var rate = new Option<double>("--rate", "-r") { Description = "Samples per second", DefaultValueFactory = _ => 100 };
        var top = new Option<int>("--top") { Description = $"How many functions get their own series; the rest are function=\"(other)\" (at most {MaxTop})", DefaultValueFactory = _ => 10 };
        var metrics = new Command("metrics", Examples.Describe(
            "Export a running Python program's runtime metrics, read from outside without an agent: CPU, memory, threads by " +
            "state, how much the GIL is held, and which functions use the CPU. Prometheus scrapes /metrics; --otlp pushes.",
            "sonde metrics -p 4242",
            "sonde metrics -p 4242 --listen 0.0.0.0:9464 --interval 15",
            "sonde metrics -p 4242 --otlp http://127.0.0.1:4318 --top 20",
            "curl -s 127.0.0.1:9464/metrics | grep python_gil"))
        {
            pid, listen, otlp, interval, rate, top,
        };
        metrics.SetAction(result => Run(terminal, result.GetValue(pid), result.GetValue(listen), result.GetValue(otlp), result.GetValue(interval),
            result.GetValue(rate), result.GetValue(top)));
        return metrics;
    }

    internal static int Run(Terminal terminal, int? pid, string? listen, string? otlp, double interval, double rate, int top)
    {
        if (pid is null) throw new UsageException("give the Python process to watch with -p PID");
        if (interval is < 1 or > 3600 || double.IsNaN(interval)) throw new UsageException("--interval must be between 1 and 3600 seconds");
        if (rate is <= 0 or > 10_000) throw new UsageException($"--rate must be between 1 and 10000 samples per second, not {rate}");
        if (top is < 1 or > MaxTop) throw new UsageException($"--top must be between 1 and {MaxTop}");
        var address = listen is not null ? ListenAddress.Parse(listen) : otlp is null ? ListenAddress.Default : null;
        var otlpEndpoint = otlp is null ? null : OtlpMetricsExporter.ParseEndpoint(otlp);

        using var signals = new TerminationSignals();
        var target = PythonTarget.Attach(pid.Value);
        var collector = new MetricsCollector(pid.Value, target.Binary.Version.ToString(), top);
        var sampler = new Sampler(target.Interpreter, new SamplerOptions { RateHz = rate, IncludeIdle = true, ReadGil = true }, collector);
        collector.Progress = sampler.Progress;
        using var server = address is null ? null : MetricsHttpServer.Start(address, collector.Snapshot);
        using var exporter = otlpEndpoint is null ? null : new OtlpMetricsExporter(otlpEndpoint, TimeSpan.FromSeconds(interval), collector.Snapshot, pid.Value);
        using var windows = new Timer(_ => collector.Roll(), null, TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(interval));

        var where = string.Join(" and ", new[] { address is null ? null : $"http://{address}/metrics", otlpEndpoint is null ? null : $"OTLP {otlpEndpoint}" }.OfType<string>());
        terminal.Error.WriteLine($"sonde: exporting metrics of process {pid} (Python {target.Binary.Version}) to {TerminalText.Escape(where)}; Ctrl-C stops");
        var stop = sampler.Run(signals.Token, () => Directory.Exists($"/proc/{pid}"));
        exporter?.Flush();
        if (stop == SamplerStopReason.TargetExited)
            throw new TargetException($"process {pid} exited; stopped exporting its metrics");
        return ExitCodes.Ok;
    }
}
