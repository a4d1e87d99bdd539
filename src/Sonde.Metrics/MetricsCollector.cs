using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Metrics;

/// <summary>
/// Turns the sampler's stream into metrics: running totals, and per window (see <see cref="Roll"/>) the share of ticks
/// the GIL was held and the top functions' share of CPU. Functions are counted per code object, so a sample costs a
/// dictionary lookup and no allocation; labels are only made for the top <see cref="TopCount"/> when a window closes.
/// </summary>
public sealed class MetricsCollector(int processId, string pythonVersion, int topCount) : ISampleSink
{
    /// <summary>The label of everything outside the top functions.</summary>
    public const string OtherLabel = "(other)";

    private readonly Lock _lock = new();
    private readonly Dictionary<CodeInfo, long> _cpuByCode = new(ReferenceEqualityComparer.Instance);
    private long _runningSamples, _idleSamples, _gilHeldTicks;
    private long _windowTicksStart, _windowGilStart;
    private double _gilHeldRatio;
    private IReadOnlyList<FunctionShare> _topFunctions = [];

    public int TopCount => topCount;

    /// <summary>The counters of the sampler that feeds this collector; set once the sampler exists.</summary>
    public SamplerProgress Progress { get; set; } = new();

    public void OnSample(in ThreadSample sample)
    {
        lock (_lock)
        {
            if (sample.Active) _runningSamples++;
            else _idleSamples++;
            // One thread at most holds the GIL, so this counts ticks on which it was held.
            if (sample.HoldsGil) _gilHeldTicks++;
            if (sample.CpuNs > 0 && sample.Frames.Count > 0)
            {
                var code = sample.Frames[0].Code;
                _cpuByCode[code] = _cpuByCode.GetValueOrDefault(code) + sample.CpuNs;
            }
        }
    }

    /// <summary>Closes the current window: its GIL share and top functions become what snapshots report until the next.</summary>
    public void Roll()
    {
        lock (_lock)
        {
            var ticks = Progress.Ticks;
            var windowTicks = ticks - _windowTicksStart;
            _gilHeldRatio = windowTicks > 0 ? Math.Clamp((double)(_gilHeldTicks - _windowGilStart) / windowTicks, 0, 1) : 0;
            _windowTicksStart = ticks;
            _windowGilStart = _gilHeldTicks;

            var total = _cpuByCode.Values.Sum();
            var shares = new List<FunctionShare>();
            if (total > 0)
            {
                var ranked = _cpuByCode.OrderByDescending(p => p.Value).ToList();
                // Two code objects may share a label (same function loaded twice); they become one series.
                foreach (var group in ranked.Take(topCount).GroupBy(p => Label(p.Key)))
                    shares.Add(new FunctionShare(group.Key, (double)group.Sum(p => p.Value) / total));
                var rest = ranked.Skip(topCount).Sum(p => p.Value);
                if (rest > 0) shares.Add(new FunctionShare(OtherLabel, (double)rest / total));
            }
            _topFunctions = shares;
            _cpuByCode.Clear();
        }
    }

    /// <summary>The counters now, the process as /proc shows it now, and the ratios of the last closed window.</summary>
    public MetricsSnapshot Snapshot()
    {
        var process = ProcessStats.Read(processId);
        lock (_lock)
        {
            return new MetricsSnapshot(processId, pythonVersion, process, Progress.Ticks, Progress.Errors, _runningSamples, _idleSamples,
                _gilHeldTicks, _gilHeldRatio, _topFunctions);
        }
    }

    private static string Label(CodeInfo code) => code.FirstLine > 0 ? $"{code.Qualname} ({code.Filename}:{code.FirstLine})" : $"{code.Qualname} ({code.Filename})";
}
