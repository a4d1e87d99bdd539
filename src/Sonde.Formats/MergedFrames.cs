using Sonde.Profiles;

namespace Sonde.Formats;

/// <summary>
/// The frames a writer shows, with their own dense ids: the profile's frames with the executing line dropped
/// unless lines are kept (so a function's lines merge into one frame), plus the <c>thread NAME (TID)</c> roots.
/// </summary>
internal sealed class MergedFrames
{
    private readonly Profile _profile;
    private readonly List<Frame> _frames = [];
    private readonly Dictionary<Frame, int> _ids = [];
    private readonly int[] _byProfileFrame;
    private readonly int[] _byThread;

    public MergedFrames(Profile profile, bool keepLines)
    {
        _profile = profile;
        _byProfileFrame = new int[profile.Frames.Count];
        for (var f = 0; f < _byProfileFrame.Length; f++)
        {
            var frame = profile.Frames[f];
            _byProfileFrame[f] = Intern(keepLines ? frame : frame with { Line = 0 });
        }
        _byThread = new int[profile.Threads.Count];
        Array.Fill(_byThread, -1);
    }

    public int Count => _frames.Count;

    public Frame this[int id] => _frames[id];

    public int OfProfileFrame(int profileFrameId) => _byProfileFrame[profileFrameId];

    /// <summary>The root frame for a thread, interned on first use so unused threads add no frames.</summary>
    public int OfThread(int threadIndex)
    {
        var id = _byThread[threadIndex];
        if (id < 0) _byThread[threadIndex] = id = Intern(Frame.Pseudo(_profile.Threads[threadIndex].Label, FrameKind.Thread));
        return id;
    }

    private int Intern(Frame frame)
    {
        if (_ids.TryGetValue(frame, out var id)) return id;
        id = _frames.Count;
        _frames.Add(frame);
        _ids.Add(frame, id);
        return id;
    }
}
