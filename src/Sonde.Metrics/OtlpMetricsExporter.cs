using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sonde.Profiles.Errors;

namespace Sonde.Metrics;

/// <summary>
/// Pushes the same measurements over OTLP/HTTP (protobuf) through the OpenTelemetry .NET SDK, every interval. The
/// names follow OpenTelemetry's conventions (dots, units as metadata) rather than Prometheus's.
/// </summary>
public sealed class OtlpMetricsExporter : IDisposable
{
    public const string MeterName = "Sonde.Metrics";

    private readonly Meter _meter = new(MeterName);
    private readonly MeterProvider _provider;
    private readonly Func<MetricsSnapshot> _read;
    private readonly Lock _lock = new();
    private MetricsSnapshot? _cached;
    private long _cachedAt;

    public OtlpMetricsExporter(Uri endpoint, TimeSpan interval, Func<MetricsSnapshot> snapshot, int processId)
    {
        _read = snapshot;
        _meter.CreateObservableCounter("python.process.cpu.time", () => Measure(s => s.Process.CpuSeconds), "s", "CPU time the Python process used");
        _meter.CreateObservableGauge("python.process.memory.rss", () => Measure(s => s.Process.ResidentBytes), "By", "Resident memory of the Python process");
        _meter.CreateObservableGauge("python.process.threads", () => Each(s => ProcessStats.States.Select(state =>
            new Measurement<long>(s.Process.ThreadsByState.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state)))), "{thread}", "Threads by scheduler state");
        _meter.CreateObservableGauge("python.gil.held.ratio", () => Measure(s => s.GilHeldRatio), "1", "Share of ticks in the last window on which a thread held the GIL");
        _meter.CreateObservableCounter("python.samples", () => Each(s => new[]
        {
            new Measurement<long>(s.RunningSamples, new KeyValuePair<string, object?>("state", "running")),
            new Measurement<long>(s.IdleSamples, new KeyValuePair<string, object?>("state", "idle")),
        }), "{sample}", "Thread stacks sampled");
        _meter.CreateObservableGauge("python.function.cpu.ratio", () => Each(s => s.TopFunctions.Select(f =>
            new Measurement<double>(f.Ratio, new KeyValuePair<string, object?>("function", f.Label)))), "1", "Top functions' share of sampled CPU time");
        _meter.CreateObservableGauge("python.info", () => Each(s => new[]
        {
            new Measurement<long>(1, new KeyValuePair<string, object?>("version", s.PythonVersion), new KeyValuePair<string, object?>("implementation", "cpython")),
        }), null, "The profiled Python's version");

        var metricsEndpoint = endpoint.AbsolutePath is "" or "/" ? new Uri(endpoint, "/v1/metrics") : endpoint;
        _provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService("sonde-metrics").AddAttributes([new KeyValuePair<string, object>("process.pid", processId)]))
            .AddMeter(MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = metricsEndpoint;
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Max(1000, interval.TotalMilliseconds);
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build()!;
    }

    public static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--otlp takes an http(s) URL such as http://127.0.0.1:4318, not '{text.ReplaceLineEndings(" ")}'");

    /// <summary>Sends what was measured now, rather than waiting for the next interval (used when stopping).</summary>
    public void Flush() => _provider.ForceFlush(10_000);

    private IEnumerable<Measurement<T>> Measure<T>(Func<MetricsSnapshot, T> value) where T : struct =>
        Current() is { } snapshot ? [new Measurement<T>(value(snapshot))] : [];

    private IEnumerable<Measurement<T>> Each<T>(Func<MetricsSnapshot, IEnumerable<Measurement<T>>> values) where T : struct =>
        Current() is { } snapshot ? values(snapshot).ToList() : [];

    /// <summary>One snapshot serves all instruments of one collection, so /proc is read once per export.</summary>
    private MetricsSnapshot? Current()
    {
        lock (_lock)
        {
            var now = Environment.TickCount64;
            if (_cached is null || now - _cachedAt > 500)
            {
                try { _cached = _read(); }
                catch (TargetException) { return null; }
                _cachedAt = now;
            }
            return _cached;
        }
    }

    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
    }
}
