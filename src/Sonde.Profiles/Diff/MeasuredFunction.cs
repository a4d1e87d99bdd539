namespace Sonde.Profiles.Diff;

/// <summary>
/// One function's own and total time (or bytes, or samples) in one profile, in the diff's unit, with the variance
/// of each estimate: 0 for exact profiles, the sampling variance for sampled ones (see docs/diff.md).
/// </summary>
public sealed record MeasuredFunction(FunctionKey Function, double Own, double Total, double OwnVariance, double TotalVariance)
{
    public static MeasuredFunction Absent(FunctionKey function) => new(function, 0, 0, 0, 0);
}
