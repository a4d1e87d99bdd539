using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Reports;

/// <summary>The memory metrics `report --metric` and `mem --weight` name, and the weight each reads.</summary>
internal static class MemoryMetric
{
    public const string Names = "alloc-bytes, alloc-count, peak, leaked or rss-growth";

    /// <summary>The weight a metric name stands for: <c>peak</c> is <c>peak-bytes</c>, <c>leaked</c> is <c>leaked-bytes</c>.</summary>
    public static string WeightName(string metric, string option = "--metric") => metric.ToLowerInvariant() switch
    {
        "alloc-bytes" => WeightType.AllocBytes.Name,
        "alloc-count" => WeightType.AllocCount.Name,
        "peak" or "peak-bytes" => WeightType.PeakBytes.Name,
        "leaked" or "leaked-bytes" => WeightType.LeakedBytes.Name,
        "rss-growth" => WeightType.RssGrowth.Name,
        _ => throw new UsageException($"{option} {Console.TerminalText.Escape(metric)}: choose {Names}"),
    };

    /// <summary>The index of the metric's weight in <paramref name="profile"/>.</summary>
    /// <exception cref="UsageException">The profile doesn't carry it.</exception>
    public static int IndexIn(Profile profile, string metric, string option)
    {
        var name = WeightName(metric, option);
        var index = profile.WeightIndex(name);
        if (index >= 0) return index;
        var has = string.Join(", ", profile.WeightTypes.Select(w => w.Name));
        var hint = name == WeightType.RssGrowth.Name ? "record it with sonde record" : "record it with sonde mem";
        throw new UsageException($"{option} {Console.TerminalText.Escape(metric)}: this profile has no {name} weight (it has {has}); {hint}");
    }
}
