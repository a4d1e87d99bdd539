namespace Sonde.Profiles.CallGraph;

/// <summary>
/// The calls one function made to another, with the callee's statistics counted over those calls only:
/// <see cref="OwnNs"/> is the callee's own time when called from <see cref="Caller"/>, and so on.
/// </summary>
public readonly record struct CallEdge(FunctionKey Caller, FunctionKey Callee, long Calls, long PrimitiveCalls, long OwnNs, long TotalNs)
{
    public CallEdge Plus(CallEdge other) => this with
    {
        Calls = Calls + other.Calls,
        PrimitiveCalls = PrimitiveCalls + other.PrimitiveCalls,
        OwnNs = OwnNs + other.OwnNs,
        TotalNs = TotalNs + other.TotalNs,
    };
}
