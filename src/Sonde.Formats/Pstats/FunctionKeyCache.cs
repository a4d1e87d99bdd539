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
    private readonly Dictionary<(string File, long Line, string Name), int> _byIdentity = new(IdentityComparer.Instance);

    public int IndexOf(string file, long line, string name)
    {
        if (_byIdentity.TryGetValue((file, line, name), out var index)) return index;
        index = graph.IndexOf(PstatsKeys.ToFunctionKey(file, (int)line, name));
        _byIdentity.Add((file, line, name), index);
        return index;
    }

    private sealed class IdentityComparer : IEqualityComparer<(string File, long Line, string Name)>
    {
        public static readonly IdentityComparer Instance = new();

        public bool Equals((string File, long Line, string Name) x, (string File, long Line, string Name) y) =>
            ReferenceEquals(x.File, y.File) && x.Line == y.Line && ReferenceEquals(x.Name, y.Name);

        public int GetHashCode((string File, long Line, string Name) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.File), key.Line, RuntimeHelpers.GetHashCode(key.Name));
    }
}
