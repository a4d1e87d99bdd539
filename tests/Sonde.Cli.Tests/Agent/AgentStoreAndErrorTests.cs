using System.Globalization;
using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Agent;

/// <summary>`sonde agent --store` into a SQLite history in a temporary directory, and the agent's one-line errors.</summary>
public sealed class AgentStoreAndErrorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Store_saves_every_window_in_the_history()
    {
        var python = PythonInstalls.Require("3.10").Path!;
        using var target = PythonProcess.Start(python, Repository.Fixture("agent_target.py"), ["120"]);
        var store = _directory.File("history.db");
        using var agent = new AgentProcess(_directory.Path, "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "--every", "1s",
            "--store", store, "--name", "nightly");
        agent.WaitForLine("profiling process");
        Thread.Sleep(3500);
        Assert.Equal(0, agent.Stop());
        Assert.Contains("saved in", agent.StdErr, StringComparison.Ordinal);

        var history = SondeCli.Run("history", "--store", store, "-n", "0", "--json");
        Assert.True(history.ExitCode == 0, history.ToString());
        var recordings = JsonDocument.Parse(history.StdOut).RootElement.GetProperty("recordings").EnumerateArray().ToList();
        var windows = int.Parse(System.Text.RegularExpressions.Regex.Match(agent.StdErr, @"agent stopped: (\d+) windows").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(windows >= 2, agent.StdErr);
        Assert.Equal(windows, recordings.Count);
        Assert.All(recordings, r =>
        {
            Assert.Equal("nightly", r.GetProperty("name").GetString());
            Assert.Equal(target.Pid, r.GetProperty("pid").GetInt32());
            Assert.Equal("hot_loop", r.GetProperty("top_function").GetString()!.Split(' ')[0]);
        });
    }

    [Fact]
    public void Errors_are_one_line_with_documented_exit_codes()
    {
        var missing = SondeCli.Run("agent", "-p", "999999999", "--push", "http://127.0.0.1:9");
        Assert.Equal(3, missing.ExitCode);
        Assert.Single(missing.StdErr.Trim().Split('\n'));

        (string[] Args, string Says)[] usage =
        [
            (["agent", "-p", "1"], "--push URL"),
            (["agent", "--push", "http://127.0.0.1:9"], "-p PID"),
            (["agent", "-p", "1", "--match", "x", "--store"], "not both"),
            (["agent", "-p", "1", "--store", "--every", "0s"], "--every"),
            (["agent", "-p", "1", "--push", "ftp://host"], "--push"),
            (["agent", "-p", "1", "--push", "http://h", "--label", "env=a,b"], "--label"),
            (["agent", "-p", "1", "--push", "http://h", "--name", "a{b}"], "--name"),
            (["agent", "--match", "(", "--store"], "--match"),
        ];
        foreach (var (args, says) in usage)
        {
            var result = SondeCli.Run(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: {result}");
            Assert.Single(result.StdErr.Trim().Split('\n'));
            Assert.Contains(says, result.StdErr, StringComparison.Ordinal);
        }
    }
}
