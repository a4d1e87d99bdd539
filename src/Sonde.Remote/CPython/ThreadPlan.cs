using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// What the last complete walk of one thread read, which the next tick's batch fetches before that thread is
/// walked again, and where this tick's batch put it.
/// </summary>
internal sealed class ThreadPlan
{
    /// <summary>Frame bytes the last walk used, the range holding the innermost frame first.</summary>
    public List<RemoteRange> Ranges { get; } = [];

    /// <summary>The last walk's frames and the code objects they ran, each with the globals it ran under.</summary>
    public LastWalk Last { get; } = new();

    /// <summary>
    /// The last walk's outermost frame: the thread's base, which a walk that raced the thread must reach to be
    /// kept (see <see cref="KnownBase.ReachedBy"/>), and where the next walk may stop.
    /// </summary>
    public KnownBase Base { get; set; }

    /// <summary>The bytes below the innermost frame the last walk read, when it read them all from one fetched range.</summary>
    public CallerBytes Callers { get; } = new();

    /// <summary>The last tick walked this thread completely, so this tick fetches for it.</summary>
    public bool Walked { get; set; }

    /// <summary>This tick's batch holds the ranges and headers, and the thread's walk hasn't used them yet.</summary>
    public bool Fetched { get; set; }

    /// <summary>Whether this tick's batch fetched for the thread; the fetch is then used up.</summary>
    public bool TakeFetched()
    {
        var fetched = Fetched;
        Fetched = false;
        return fetched;
    }

    public int FirstRange { get; set; }

    public int RangeCount { get; set; }
}
