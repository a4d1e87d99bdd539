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

    /// <summary>The code objects of the last walk (a run of frames of one code object counted once), each with the globals its frames ran under.</summary>
    public List<(CodeInfo Code, ulong Globals)> Codes { get; } = [];

    /// <summary>
    /// The last walk's outermost frame: the thread's base, which a walk that raced the thread must reach to be
    /// kept (see <see cref="TickBatch.ReachesBase"/>). 3.8-3.10: the batch also reads its <c>f_back</c> again at its end.
    /// </summary>
    public ulong Outermost { get; set; }

    /// <summary>The code object the outermost frame ran.</summary>
    public ulong OutermostCode { get; set; }

    /// <summary>The last tick walked this thread completely, so this tick fetches for it.</summary>
    public bool Walked { get; set; }

    /// <summary>This tick's batch holds the ranges, headers and checks, and the thread's walk hasn't used them yet.</summary>
    public bool Fetched { get; set; }

    public int FirstRange { get; set; }

    public int RangeCount { get; set; }

    /// <summary>Where in the batch buffer the checks read after everything else are: the thread's cframe (3.11-3.12), its innermost frame, and the outermost frame's caller (3.8-3.10; -1 when not read).</summary>
    public int CheckCframeOffset { get; set; }

    public int CheckTopOffset { get; set; }

    public int CheckBackOffset { get; set; }
}
