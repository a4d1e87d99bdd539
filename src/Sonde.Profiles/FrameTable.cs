namespace Sonde.Profiles;

/// <summary>Interns frames into dense integer ids.</summary>
public sealed class FrameTable
{
    private readonly List<Frame> _frames = [];
    private readonly Dictionary<Frame, int> _ids = [];

    public int Count => _frames.Count;

    public Frame this[int id] => _frames[id];

    public int Intern(Frame frame)
    {
        if (_ids.TryGetValue(frame, out var id)) return id;
        id = _frames.Count;
        _frames.Add(frame);
        _ids.Add(frame, id);
        return id;
    }

    public IReadOnlyList<Frame> All => _frames;
}
