using System.Runtime.CompilerServices;
using Sonde.Profiles.CallGraph;

namespace Sonde.Formats.Pstats;

/// <summary>
/// Finds the call-graph index of a <c>(file, line, name)</c> key without hashing the names: marshal files share
/// repeated strings by reference, so the same string objects come back for the same function, and the cache
/// compares them by identity. A key whose strings are new objects falls back to the graph's lookup by value.
/// </summary>
internal sealed class FunctionKeyCache(CallGraphData graph)
{
    private readonly Dictionary<IdentityKey, int> _byIdentity = [];

    public int IndexOf(string file, long line, string name)
    {
        var key = new IdentityKey(file, line, name);
        if (_byIdentity.TryGetValue(key, out var index)) return index;
        index = graph.IndexOf(PstatsKeys.ToFunctionKey(file, (int)line, name));
        _byIdentity.Add(key, index);
        return index;
    }

    // A struct with its own equality, so the dictionary calls it directly rather than through a comparer.
    private readonly struct IdentityKey(string file, long line, string name) : IEquatable<IdentityKey>
    {
        private readonly string _file = file;
        private readonly long _line = line;
        private readonly string _name = name;

        public bool Equals(IdentityKey other) => ReferenceEquals(_file, other._file) && _line == other._line && ReferenceEquals(_name, other._name);

        public override bool Equals(object? obj) => obj is IdentityKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_file), _line, RuntimeHelpers.GetHashCode(_name));
    }
}
