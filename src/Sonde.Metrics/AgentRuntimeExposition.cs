using System.Text;

namespace Sonde.Metrics;

/// <summary>
/// The agent's runtime metrics in the Prometheus text format, for <c>sonde mem --metrics</c>: counters per GC
/// generation (always the three CPython has, so a series exists before its first collection) and tracemalloc gauges.
/// </summary>
public static class AgentRuntimeExposition
{
    public static string Write(AgentRuntimeSnapshot snapshot)
    {
        var text = new StringBuilder();
        PrometheusExposition.Family(text, "python_info", "gauge", "The profiled Python: always 1, its version and process id in labels.");
        PrometheusExposition.Sample(text, "python_info", $"implementation=\"cpython\",version=\"{PrometheusExposition.Escape(snapshot.PythonVersion)}\",pid=\"{snapshot.ProcessId}\"", 1);

        var generations = Enumerable.Range(0, 3)
            .Select(g => snapshot.Generations.FirstOrDefault(t => t.Generation == g) ?? new GenerationTotals(g, 0, 0, 0, 0))
            .Concat(snapshot.Generations.Where(t => t.Generation is < 0 or > 2))
            .ToList();
        Counter(text, "python_gc_collections_total", "Garbage collections by generation, as gc.callbacks saw them.", generations, t => t.Collections);
        Counter(text, "python_gc_pause_seconds_total", "Time spent in garbage collections by generation (gc.callbacks start to stop).", generations, t => t.PauseSeconds);
        Counter(text, "python_gc_collected_objects_total", "Unreachable objects the collections freed, by generation.", generations, t => t.CollectedObjects);
        Counter(text, "python_gc_uncollectable_objects_total", "Unreachable objects the collections could not free, by generation.", generations, t => t.UncollectableObjects);

        if (snapshot.TracedBytes is { } traced)
        {
            PrometheusExposition.Family(text, "python_tracemalloc_traced_bytes", "gauge", "Memory blocks tracemalloc traces now (tracemalloc.get_traced_memory()[0]).");
            PrometheusExposition.Sample(text, "python_tracemalloc_traced_bytes", null, traced);
        }
        if (snapshot.TracedPeakBytes is { } peak)
        {
            PrometheusExposition.Family(text, "python_tracemalloc_traced_peak_bytes", "gauge", "Peak of the traced memory since tracing started (tracemalloc.get_traced_memory()[1]).");
            PrometheusExposition.Sample(text, "python_tracemalloc_traced_peak_bytes", null, peak);
        }
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, IEnumerable<GenerationTotals> generations, Func<GenerationTotals, double> value)
    {
        PrometheusExposition.Family(text, name, "counter", help);
        foreach (var totals in generations) PrometheusExposition.Sample(text, name, $"generation=\"{totals.Generation}\"", value(totals));
    }
}
