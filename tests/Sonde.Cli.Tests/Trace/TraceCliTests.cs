using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Trace;

/// <summary>`sonde trace` as a user runs it: the program's streams, exit code and signals are its own.</summary>
public sealed partial class TraceCliTests : IDisposable
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory, MemberData(nameof(Pythons))]
    public void PassesStreamsAndTheExitCodeThroughAndWritesAPstatsFile(string label)
    {
        var python = PythonInstalls.Require(label);
        var prof = _directory.File("io.prof");
        var fixture = Repository.Fixture("trace_io.py");
        var info = SondeCli.StartInfo(["trace", "-o", prof, "--", python.Path!, fixture, "7", "two words"], _directory.Path);
        info.RedirectStandardInput = true;
        using var sonde = Process.Start(info)!;
        sonde.StandardInput.Write("hello\nworld\n");
        sonde.StandardInput.Close();
        var result = SondeCli.Finish(sonde, _timeout);

        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.Equal("HELLO\nWORLD\nargv=7|two words\n", result.StdOut);
        Assert.StartsWith("to stderr\n", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("sonde: traced 1 process, 1 thread", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("sonde: wrote " + prof, result.StdErr, StringComparison.Ordinal);

        var stats = PstatsFile.Load(python.Path!, prof);
        Assert.Equal((1L, 1L), stats[(fixture, "<module>")]);
        Assert.Equal(1L, stats[("~", "<method 'read' of '_io.TextIOWrapper' objects>")].Calls);
    }

    [Theory, MemberData(nameof(Pythons))]
    public void RunsAModuleWithMinusMAsMain(string label)
    {
        var python = PythonInstalls.Require(label);
        var prof = _directory.File("module.prof");
        var truth = _directory.File("truth.json");
        var fixtures = Path.GetDirectoryName(Repository.Fixture("trace_calls.py"))!;
        var result = SondeCli.Finish(Process.Start(SondeCli.StartInfo(["trace", "-o", prof, "--", python.Path!, "-m", "trace_calls", truth], fixtures))!, _timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllText(truth));
        var stats = PstatsFile.Load(python.Path!, prof);
        foreach (var name in new[] { "fib", "ping", "leaf" })
        {
            var calls = expected.RootElement.GetProperty("threads").EnumerateObject()
                .Sum(t => t.Value.GetProperty("functions").TryGetProperty(name, out var f) ? f.GetProperty("calls").GetInt64() : 0);
            Assert.Equal(calls, stats.Single(s => s.Key.Name == name && s.Key.File.EndsWith("trace_calls.py", StringComparison.Ordinal)).Value.Calls);
        }
    }

    [Theory, MemberData(nameof(Pythons))]
    public void AKilledTargetStillYieldsItsProfile(string label)
    {
        var python = PythonInstalls.Require(label);
        var prof = _directory.File("killed.prof");
        var ready = _directory.File("ready");
        using var sonde = Process.Start(SondeCli.StartInfo(["trace", "-o", prof, "--", python.Path!, Repository.Fixture("trace_spin.py"), ready], _directory.Path))!;
        var target = WaitForPid(ready, sonde);
        // A flush every half second: by then the 20,000 calls made before the file was written have been sent.
        Thread.Sleep(1500);
        Kill(target, 9);
        var result = SondeCli.Finish(sonde, _timeout);

        Assert.True(result.ExitCode == 128 + 9, result.ToString());
        Assert.Contains("the command ended without reporting (killed?)", result.StdErr, StringComparison.Ordinal);
        var tick = PstatsFile.Load(python.Path!, prof).Single(f => f.Key.Name == "tick").Value;
        Assert.True(tick.Calls >= 20_000, $"only {tick.Calls} calls of tick were kept");
    }

    [Theory, MemberData(nameof(Pythons))]
    public void CtrlCReachesTheTargetAsWithoutSonde(string label)
    {
        if (!File.Exists("/usr/bin/setsid")) Assert.Skip("needs setsid (util-linux) to give sonde a process group of its own");
        var python = PythonInstalls.Require(label);
        var prof = _directory.File("interrupted.prof");
        var ready = _directory.File("ready");
        var info = SondeCli.StartInfo(["trace", "-o", prof, "--", python.Path!, Repository.Fixture("trace_spin.py"), ready], _directory.Path);
        // setsid gives sonde a process group of its own, like a terminal does; env restores SIGINT's default
        // disposition, which a test runner started in the background inherits as ignored (and so would Python).
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, "/usr/bin/setsid");
        info.ArgumentList.Insert(0, "--default-signal=INT");
        info.FileName = "/usr/bin/env";
        using var sonde = Process.Start(info)!;
        WaitForPid(ready, sonde);
        // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
        Kill(-sonde.Id, 2);
        var result = SondeCli.Finish(sonde, _timeout);

        // The fixture catches KeyboardInterrupt, says how far it got and exits 0, as it would without Sonde.
        Assert.True(result.ExitCode == 0, result.ToString());
        var done = long.Parse(result.StdOut.Split(' ')[2], CultureInfo.InvariantCulture);
        var tick = PstatsFile.Load(python.Path!, prof).Single(f => f.Key.Name == "tick").Value;
        Assert.InRange(tick.Calls, done, done + 1000);
    }

    [Fact]
    public void SigtermSentToSondeGoesOnToTheTargetWhichStillReports()
    {
        var python = PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path ?? throw Skip("no CPython 3.8+ here");
        var prof = _directory.File("terminated.prof");
        var ready = _directory.File("ready");
        using var sonde = Process.Start(SondeCli.StartInfo(["trace", "-o", prof, "--", python, Repository.Fixture("trace_spin.py"), ready], _directory.Path))!;
        WaitForPid(ready, sonde);
        Kill(sonde.Id, 15);
        var result = SondeCli.Finish(sonde, _timeout);

        // The agent's SIGTERM handler sends everything, then lets the signal end the program as it would have.
        Assert.True(result.ExitCode == 128 + 15, result.ToString());
        Assert.DoesNotContain("without reporting", result.StdErr, StringComparison.Ordinal);
        Assert.True(PstatsFile.Load(python, prof).Single(f => f.Key.Name == "tick").Value.Calls >= 20_000);
    }

    [Fact]
    public void HostileFunctionNamesComeOutAsText()
    {
        var python = PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path ?? throw Skip("no CPython 3.8+ here");
        var svg = _directory.File("hostile.svg");
        var result = SondeCli.Run(_timeout, "trace", "-o", svg, "--", python, Repository.Fixture("hostile_names.py"), "0.3");

        Assert.True(result.ExitCode == 0, result.ToString());
        // The renamed function has the most own time, so the summary names it: escaped, never as a colour code.
        Assert.Contains("<script>alert(\"x\")</script>&'\\x1b[31m;evil", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", result.StdErr, StringComparison.Ordinal);
        var text = File.ReadAllText(svg);
        Assert.DoesNotContain("<script>alert", text, StringComparison.Ordinal);
        System.Xml.Linq.XDocument.Parse(text);
    }

    [Fact]
    public void PrintsLineTimingsLikeLineProfiler()
    {
        var python = PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path ?? throw Skip("no CPython 3.8+ here");
        var truth = _directory.File("truth.json");
        var result = SondeCli.Run(_timeout, "trace", "-o", _directory.File("lines.prof"), "--lines", "trace_lines:classify", "--",
            python, Repository.Fixture("trace_lines.py"), truth);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Function: classify at line ", result.StdErr, StringComparison.Ordinal);
        var lines = result.StdErr.Split('\n');
        var header = lines.Single(l => l.Contains("Line Contents", StringComparison.Ordinal));
        Assert.Matches(@"^\s*Line #\s+Hits\s+Time\s+Per Hit\s+% Time\s+Line Contents$", header);
        using var expected = System.Text.Json.JsonDocument.Parse(File.ReadAllText(truth));
        var loop = expected.RootElement.GetProperty("lines").GetProperty("classify_loop");
        var row = lines.Single(l => l.EndsWith("# line: classify_loop", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(loop.GetProperty("line").GetInt32().ToString(CultureInfo.InvariantCulture), row[0]);
        Assert.Equal(loop.GetProperty("hits").GetInt64().ToString(CultureInfo.InvariantCulture), row[1]);
        Assert.DoesNotContain("Function: countdown", result.StdErr, StringComparison.Ordinal);
    }

    private static int WaitForPid(string path, Process sonde)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (sonde.HasExited) throw new InvalidOperationException($"sonde exited ({sonde.ExitCode}) before the target was ready: {sonde.StandardError.ReadToEnd()}");
            if (clock.Elapsed > _timeout) throw new TimeoutException("the target never got ready");
            Thread.Sleep(20);
        }
        return int.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture);
    }

    private static Exception Skip(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException(reason);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
