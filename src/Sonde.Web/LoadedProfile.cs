using System.Collections.Concurrent;
using Sonde.Profiles;

namespace Sonde.Web;

/// <summary>
/// One profile the server was given, with the JSON of each view built once and kept: a view of a million samples
/// costs one pass over them, and every later request is a copy of bytes.
/// </summary>
internal sealed class LoadedProfile
{
    private readonly ConcurrentDictionary<string, byte[]> _views = new();
    private readonly Dictionary<(int Weight, int Thread), MergedTree> _trees = [];
    private readonly Dictionary<(int Weight, int Thread), CallEdgeRow[]> _edges = [];
    private readonly Lock _lock = new();

    public LoadedProfile(string id, string name, Profile profile)
    {
        Id = id;
        Name = name;
        Profile = profile;
        Functions = new FunctionIndex(profile);
    }

    public string Id { get; }

    /// <summary>The file name as given on the command line, shown in the page.</summary>
    public string Name { get; }

    public Profile Profile { get; }
    public FunctionIndex Functions { get; }

    /// <summary>The JSON of one view, built by <paramref name="build"/> on first request only.</summary>
    public byte[] View(string key, Func<byte[]> build)
    {
        if (_views.TryGetValue(key, out var bytes)) return bytes;
        // The model reads lazily and is not thread-safe, so builds take turns.
        lock (_lock) return _views.GetOrAdd(key, _ => build());
    }

    /// <summary>The merged tree of one weight, of every thread (<paramref name="thread"/> -1) or of one.</summary>
    public MergedTree Tree(int weight, int thread)
    {
        lock (_lock)
        {
            if (_trees.TryGetValue((weight, thread), out var tree)) return tree;
            tree = MergedTree.Build(Profile, Functions, weight, thread < 0 ? null : t => t == thread);
            _trees.Add((weight, thread), tree);
            return tree;
        }
    }

    /// <summary>Every caller → callee pair of one weight and thread, as the relations view filters them.</summary>
    public CallEdgeRow[] Edges(int weight, int thread)
    {
        lock (_lock)
        {
            if (_edges.TryGetValue((weight, thread), out var edges)) return edges;
            edges = TableView.Edges(this, weight, thread);
            _edges.Add((weight, thread), edges);
            return edges;
        }
    }

    /// <summary>A weight index from the query, clamped to the profile's; 0 is always there.</summary>
    public int WeightIndex(int? requested) => requested is { } w && w >= 0 && w < Profile.WeightTypes.Count ? w : 0;

    /// <summary>A thread index from the query; -1 (all threads) for anything not in the profile.</summary>
    public int ThreadIndex(int? requested) => requested is { } t && t >= 0 && t < Profile.Threads.Count ? t : -1;
}
