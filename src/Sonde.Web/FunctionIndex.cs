using Sonde.Profiles;

namespace Sonde.Web;

/// <summary>
/// Numbers a profile's functions densely, so every view refers to a function by one small integer and the page
/// receives each name once.
/// </summary>
internal sealed class FunctionIndex
{
    private readonly List<FunctionKey> _keys = [];
    private readonly Dictionary<FunctionKey, int> _ids = [];

    public FunctionIndex(Profile profile)
    {
        FunctionOfFrame = new int[profile.Frames.Count];
        for (var f = 0; f < FunctionOfFrame.Length; f++) FunctionOfFrame[f] = IdOf(profile.Frames[f].FunctionKey);
        if (profile.CallGraph is { } graph)
            foreach (var stats in graph.Functions) IdOf(stats.Function);
    }

    public IReadOnlyList<FunctionKey> Keys => _keys;

    /// <summary>The function id of each frame id.</summary>
    public int[] FunctionOfFrame { get; }

    public int IdOf(FunctionKey key)
    {
        if (_ids.TryGetValue(key, out var id)) return id;
        id = _keys.Count;
        _keys.Add(key);
        _ids.Add(key, id);
        return id;
    }

    public bool TryGetId(FunctionKey key, out int id) => _ids.TryGetValue(key, out id);
}
