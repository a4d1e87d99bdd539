using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Dump;

/// <summary>`sonde dump` names threads as the program named them and, with --locals, shows each frame's locals.</summary>
public sealed class DumpLocalsAndNamesTests
{
    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void LocalsAreShownInTextAndJson(string python)
    {
        var py = PythonInstalls.Require(python);
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("locals_showcase.py"), ["60"], readyLine: null);
        using var facts = JsonDocument.Parse(target.Process.StandardOutput.ReadLine()!);
        var expected = facts.RootElement.GetProperty("locals").EnumerateArray().ToList();
        var pid = target.Pid.ToString();

        var json = SondeCli.Run("dump", "-p", pid, "--locals", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var main = document.RootElement.GetProperty("threads").EnumerateArray().Single(t => t.GetProperty("native_thread_id").GetInt32() == target.Pid);
        var frames = main.GetProperty("frames").EnumerateArray().ToList();
        var locals = frames.Single(f => f.GetProperty("function").GetString() == "showcase").GetProperty("locals").EnumerateArray().ToList();
        Assert.Equal(expected.Count, locals.Count);
        foreach (var (fact, local) in expected.Zip(locals))
        {
            var value = local.GetProperty("value");
            ExpectedLocal.AssertMatches(fact, local.GetProperty("name").GetString()!, local.GetProperty("type").GetString()!,
                value.ValueKind == JsonValueKind.Null ? null : value.GetString());
        }
        Assert.Equal(0, frames.Single(f => f.GetProperty("function").GetString() == "<module>").GetProperty("locals").GetArrayLength());

        var text = SondeCli.Run("dump", "-p", pid, "--locals");
        Assert.True(text.ExitCode == 0, text.ToString());
        var lines = text.StdOut.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("    showcase (", StringComparison.Ordinal));
        Assert.True(start >= 0, text.StdOut);
        var shown = lines.Skip(start + 1).TakeWhile(l => l.StartsWith("        ", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Count, shown.Count);
        foreach (var (fact, line) in expected.Zip(shown))
        {
            var (name, type) = (fact[0].GetString()!, fact[1].GetString()!);
            var value = fact[2].ValueKind == JsonValueKind.Null ? $"<{type}>" : fact[2].GetString()!;
            var prefix = $"        {name} = ";
            if (value.EndsWith("...", StringComparison.Ordinal)) Assert.StartsWith(prefix + value[..^3], line);
            else Assert.Equal(prefix + value, line);
        }

        var plain = SondeCli.Run("dump", "-p", pid, "--json");
        Assert.DoesNotContain("\"locals\"", plain.StdOut);
    }

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void ThreadsAreNamedAsThreadingNamesThem(string python)
    {
        var py = PythonInstalls.Require(python);
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("named_threads.py"), ["wait", "60"], readyLine: null);
        var facts = JsonSerializer.Deserialize<Dictionary<string, int>>(target.Process.StandardOutput.ReadLine()!)!;
        facts.Remove("not_a_name");

        var json = SondeCli.Run("dump", "-p", target.Pid.ToString(), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var names = document.RootElement.GetProperty("threads").EnumerateArray()
            .ToDictionary(t => t.GetProperty("native_thread_id").GetInt32(), t => t.GetProperty("name").GetString());
        foreach (var (name, tid) in facts) Assert.Equal(name, names[tid]);

        // Text output shows control characters as escapes: a thread name can't recolour the terminal.
        var text = SondeCli.Run("dump", "-p", target.Pid.ToString());
        foreach (var (name, tid) in facts) Assert.Contains($"Thread {tid} \"{name.Replace("\u001b", "\\x1b")}\"", text.StdOut);
        Assert.Contains(facts.Keys, n => n.Contains('\u001b'));
        Assert.DoesNotContain("\u001b", text.StdOut);
    }
}
