using System.Text.Json;
using Sonde.Agent.Tests.Support;
using Sonde.Formats;
using Sonde.Formats.Folded;
using Sonde.Testing;

namespace Sonde.Agent.Tests;

/// <summary>Children started by subprocess and by fork are traced too, each from its own start, each its own root.</summary>
public sealed class SubprocessTests
{
    public static TheoryData<string> Pythons => Support.Pythons.All;

    [Theory, MemberData(nameof(Pythons))]
    public void FollowsSpawnedAndForkedChildren(string label)
    {
        var python = PythonInstalls.Require(label);
        using var scratch = new Scratch();
        var result = Traces.Run(python.Path!, Fixtures.Path("trace_processes.py"), scratch.File("truth.json"));
        Assert.Equal(0, result.ExitCode);
        using var truth = JsonDocument.Parse(File.ReadAllText(scratch.File("truth.json")));
        var pids = truth.RootElement.GetProperty("pids");
        var parentCalls = truth.RootElement.GetProperty("parent_calls").GetInt64();
        var childCalls = truth.RootElement.GetProperty("child_calls").GetInt64();

        var parent = Assert.Single(result.Processes, p => p.ProcessId == pids.GetProperty("parent").GetInt32());
        var spawned = Assert.Single(result.Processes, p => p.ProcessId == pids.GetProperty("spawned").GetInt32());
        var forked = Assert.Single(result.Processes, p => p.ProcessId == pids.GetProperty("forked").GetInt32());
        Assert.True(parent.IsRoot);
        Assert.False(spawned.IsRoot || forked.IsRoot);
        Assert.Equal(parent.ProcessId, forked.ParentProcessId);
        Assert.Equal(ProcessEnd.OsExit, forked.End);
        Assert.Equal(parentCalls, CallsOf(parent));
        Assert.Equal(childCalls, CallsOf(spawned));
        // Forked after the parent's first batch: the child starts from zero.
        Assert.Equal(childCalls, CallsOf(forked));

        var profile = TraceProfileBuilder.Build(result, new AgentOptions());
        Assert.Equal(parentCalls + 2 * childCalls, profile.CallGraph!.Functions.Single(f => f.Function.Function == "child_work").Calls);
        using var folded = new MemoryStream();
        new FoldedWriter().Write(profile, folded, WriteOptions.Default);
        var roots = System.Text.Encoding.UTF8.GetString(folded.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(';')[0]).ToHashSet();
        foreach (var process in new[] { parent, spawned, forked })
            Assert.Contains(roots, r => r.StartsWith($"process {process.ProcessId} (", StringComparison.Ordinal));
    }

    private static long CallsOf(TracedProcess process) =>
        process.Threads.SelectMany(t => t.Functions).Where(f => f.Function.Function == "child_work").Sum(f => f.Calls);
}
