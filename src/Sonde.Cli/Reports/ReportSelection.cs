using System.Text.RegularExpressions;

namespace Sonde.Cli.Reports;

/// <summary>The rows a view shows: filtered by <c>--filter</c>, ordered by <c>--sort</c>, cut at <c>--limit</c>.</summary>
internal static class ReportSelection
{
    /// <param name="limit">How many rows to keep; 0 keeps all.</param>
    public static List<ReportFunction> Select(IEnumerable<ReportFunction> functions, ReportSort sort, Regex? filter, int limit)
    {
        var rows = functions.Where(f => f.Own != 0 || f.Total != 0 || f.Calls != 0);
        if (filter is not null) rows = rows.Where(f => filter.IsMatch(ReportLabels.Pstats(f.Function)));
        var ordered = Order(rows, sort).ToList();
        return limit > 0 && ordered.Count > limit ? ordered.GetRange(0, limit) : ordered;
    }

    /// <summary>Orders rows; ties fall back to the label, so the same profile always prints the same way.</summary>
    public static IOrderedEnumerable<ReportFunction> Order(IEnumerable<ReportFunction> rows, ReportSort sort) => sort switch
    {
        ReportSort.Own => rows.OrderByDescending(f => f.Own).ThenByDescending(f => f.Total).ThenBy(f => ReportLabels.Pstats(f.Function), StringComparer.Ordinal),
        ReportSort.Total => rows.OrderByDescending(f => f.Total).ThenByDescending(f => f.Own).ThenBy(f => ReportLabels.Pstats(f.Function), StringComparer.Ordinal),
        ReportSort.Calls => rows.OrderByDescending(f => f.Calls).ThenByDescending(f => f.Total).ThenBy(f => ReportLabels.Pstats(f.Function), StringComparer.Ordinal),
        ReportSort.Name => rows.OrderBy(f => f.Function.Function, StringComparer.Ordinal).ThenBy(f => f.Function.File, StringComparer.Ordinal).ThenBy(f => f.Function.FirstLine),
        ReportSort.File => rows.OrderBy(f => f.Function.File, StringComparer.Ordinal).ThenBy(f => f.Function.FirstLine).ThenBy(f => f.Function.Function, StringComparer.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };
}
