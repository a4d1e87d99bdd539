using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>With --threads, each stack starts with a `thread NAME (TID)` frame named as the program named the thread.</summary>
public sealed class ThreadNameTests
{
    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void ThreadFramesCarryThePythonNames(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var folded = temp.File("threads.folded");
        var result = SondeCli.Run("record", "--threads", "--idle", "-f", "folded", "-o", folded, "--",
            py.Path!, Repository.Fixture("named_threads.py"), "spin", "2.5");
        Assert.True(result.ExitCode == 0, result.ToString());
        // The fixture's facts line reaches sonde's stdout, which the target inherits.
        var factsLine = result.StdOut.Split('\n').Single(l => l.StartsWith('{'));
        var facts = JsonSerializer.Deserialize<Dictionary<string, int>>(factsLine)!;

        var roots = FoldedStacks.Load(folded).Stacks.Select(s => s.Frames[0]).ToHashSet();
        foreach (var (name, tid) in facts)
            Assert.True(roots.Contains($"thread {name} ({tid})"), $"no 'thread {name} ({tid})' among {string.Join(", ", roots)}");
    }
}
