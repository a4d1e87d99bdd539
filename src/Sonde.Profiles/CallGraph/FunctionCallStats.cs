namespace Sonde.Profiles.CallGraph;

/// <summary>
/// Exact statistics of one function, as a deterministic profiler (cProfile, <c>sonde trace</c>) counts them.
/// </summary>
/// <param name="Calls">Every call, recursive ones included (pstats' <c>nc</c>).</param>
/// <param name="PrimitiveCalls">Calls not made while the function was already running (pstats' <c>cc</c>).</param>
/// <param name="OwnNs">Time in the function's own code (pstats' <c>tt</c>).</param>
/// <param name="TotalNs">Time from entry to return of the outermost calls, callees included (pstats' <c>ct</c>).</param>
public readonly record struct FunctionCallStats(FunctionKey Function, long Calls, long PrimitiveCalls, long OwnNs, long TotalNs)
{
    public FunctionCallStats Plus(FunctionCallStats other) => this with
    {
        Calls = Calls + other.Calls,
        PrimitiveCalls = PrimitiveCalls + other.PrimitiveCalls,
        OwnNs = OwnNs + other.OwnNs,
        TotalNs = TotalNs + other.TotalNs,
    };
}
