using System.Text.Json;

namespace Sonde.Agent.Tests.Support;

/// <summary>What trace_calls.py counted itself, per thread: calls and primitive calls per function, calls per edge.</summary>
internal sealed record CallTruth(IReadOnlyDictionary<string, CallTruth.Thread> Threads)
{
    public sealed record Thread(IReadOnlyDictionary<string, (long Calls, long Primitive)> Functions, IReadOnlyList<(string Caller, string Callee, long Calls)> Edges);

    public static CallTruth Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var threads = new Dictionary<string, Thread>();
        foreach (var thread in document.RootElement.GetProperty("threads").EnumerateObject())
        {
            var functions = thread.Value.GetProperty("functions").EnumerateObject()
                .ToDictionary(f => f.Name, f => (f.Value.GetProperty("calls").GetInt64(), f.Value.GetProperty("primitive").GetInt64()));
            var edges = thread.Value.GetProperty("edges").EnumerateArray()
                .Select(e => (e[0].GetString()!, e[1].GetString()!, e[2].GetInt64())).ToList();
            threads.Add(thread.Name, new Thread(functions, edges));
        }
        return new CallTruth(threads);
    }
}
