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
        var ordered = rows.ToList();
        ordered.Sort(Comparison(sort));
        return limit > 0 && ordered.Count > limit ? ordered.GetRange(0, limit) : ordered;
    }

    /// <summary>
    /// Numbers largest first, names A to Z; ties fall back to the label (made only for ties, since a large
    /// profile has tens of thousands of rows), so the same profile always prints the same way.
    /// </summary>
    public static Comparison<ReportFunction> Comparison(ReportSort sort) => sort switch
    {
        ReportSort.Own => (a, b) => Numbers(b.Own, a.Own, b.Total, a.Total, a, b),
        ReportSort.Total => (a, b) => Numbers(b.Total, a.Total, b.Own, a.Own, a, b),
        ReportSort.Calls => (a, b) => Numbers(b.Calls, a.Calls, b.Total, a.Total, a, b),
        ReportSort.Name => (a, b) => Names(string.CompareOrdinal(a.Function.Function, b.Function.Function), string.CompareOrdinal(a.Function.File, b.Function.File),
            a.Function.FirstLine.CompareTo(b.Function.FirstLine), a, b),
        ReportSort.File => (a, b) => Names(string.CompareOrdinal(a.Function.File, b.Function.File), a.Function.FirstLine.CompareTo(b.Function.FirstLine),
            string.CompareOrdinal(a.Function.Function, b.Function.Function), a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };

    private static int Numbers(long first, long otherFirst, long second, long otherSecond, ReportFunction a, ReportFunction b)
    {
        var order = first.CompareTo(otherFirst);
        if (order == 0) order = second.CompareTo(otherSecond);
        return order != 0 ? order : string.CompareOrdinal(ReportLabels.Pstats(a.Function), ReportLabels.Pstats(b.Function));
    }

    private static int Names(int first, int second, int third, ReportFunction a, ReportFunction b)
    {
        var order = first != 0 ? first : second != 0 ? second : third;
        return order != 0 ? order : string.CompareOrdinal(ReportLabels.Pstats(a.Function), ReportLabels.Pstats(b.Function));
    }
}
