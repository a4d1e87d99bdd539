using System.Globalization;
using System.Text;

namespace Sonde.Metrics;

/// <summary>
/// Writes a snapshot in the Prometheus text exposition format (version 0.0.4): base units, counters ending in
/// <c>_total</c>, label values escaped as the format requires (backslash, double quote, newline).
/// </summary>
public static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(MetricsSnapshot snapshot)
    {
        var text = new StringBuilder();
        Family(text, "python_info", "gauge", "The profiled Python: always 1, its version and process id in labels.");
        Sample(text, "python_info", $"implementation=\"cpython\",version=\"{Escape(snapshot.PythonVersion)}\",pid=\"{snapshot.ProcessId}\"", 1);

        Family(text, "python_process_cpu_seconds_total", "counter", "CPU time the Python process used, user and system.");
        Sample(text, "python_process_cpu_seconds_total", null, snapshot.Process.CpuSeconds);
        Family(text, "python_process_resident_memory_bytes", "gauge", "Resident memory of the Python process.");
        Sample(text, "python_process_resident_memory_bytes", null, snapshot.Process.ResidentBytes);
        Family(text, "python_process_threads", "gauge", "Threads of the Python process by scheduler state.");
        foreach (var state in ProcessStats.States)
            Sample(text, "python_process_threads", $"state=\"{state}\"", snapshot.Process.ThreadsByState.GetValueOrDefault(state));

        Family(text, "python_gil_held_ratio", "gauge", "Share of the sampler's ticks in the last window on which a thread held the GIL.");
        Sample(text, "python_gil_held_ratio", null, snapshot.GilHeldRatio);
        Family(text, "python_gil_held_ticks_total", "counter", "Sampler ticks on which a thread held the GIL.");
        Sample(text, "python_gil_held_ticks_total", null, snapshot.GilHeldTicks);
        Family(text, "python_samples_total", "counter", "Thread stacks sampled, by whether the thread was running or idle.");
        Sample(text, "python_samples_total", "state=\"running\"", snapshot.RunningSamples);
        Sample(text, "python_samples_total", "state=\"idle\"", snapshot.IdleSamples);
        Family(text, "python_function_cpu_ratio", "gauge",
            "Share of the CPU time sampled in the last window spent in each of the top functions (own time); the rest is function=\"(other)\".");
        foreach (var function in snapshot.TopFunctions)
            Sample(text, "python_function_cpu_ratio", $"function=\"{Escape(function.Label)}\"", function.Ratio);

        Family(text, "sonde_sampler_ticks_total", "counter", "Times Sonde's sampler read the process's threads.");
        Sample(text, "sonde_sampler_ticks_total", null, snapshot.Ticks);
        Family(text, "sonde_sampler_errors_total", "counter", "Stacks the sampler could not read whole.");
        Sample(text, "sonde_sampler_errors_total", null, snapshot.Errors);
        return text.ToString();
    }

    internal static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    internal static void Sample(StringBuilder text, string name, string? labels, double value)
    {
        text.Append(name);
        if (labels is not null) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    internal static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case '"': escaped.Append("\\\""); break;
                case '\n': escaped.Append(@"\n"); break;
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }
}
