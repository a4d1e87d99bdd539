using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.History;

/// <summary>The history as a user meets it: real recordings saved by real sonde processes, found again by id.</summary>
public sealed class HistoryCliTests : IDisposable
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(180);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// A program whose hot function is named after <paramref name="tag"/>, so each recording says whose it is. It
    /// counts rather than watches the clock, so no built-in function outweighs it in a trace.
    /// </summary>
    private static string[] Spinner(string python, string tag, double seconds) =>
        [python, "-c", $"def hot_{tag}():\n    total = 0\n    for i in range({(int)(seconds * 5_000_000)}): total += i\n    return total\nhot_{tag}()\n"];

    private CommandResult Sonde(string store, params string[] args)
    {
        var info = SondeCli.StartInfo(args, _directory.Path);
        info.Environment["SONDE_STORE"] = store;
        return SondeCli.Finish(Process.Start(info)!, _timeout);
    }

    private static JsonElement[] Recordings(CommandResult history)
    {
        Assert.True(history.ExitCode == 0, history.ToString());
        return JsonDocument.Parse(history.StdOut).RootElement.GetProperty("recordings").EnumerateArray().ToArray();
    }

    [Fact]
    public void Record_and_trace_are_saved_and_found_again_by_last_id_and_name()
    {
        var python = PythonInstalls.Require("3.12").Path!;
        var store = _directory.File("store");
        using var repository = new GitRepository();

        var recordInfo = SondeCli.StartInfo(["record", "--name", "sampled", "-o", _directory.File("r.sonde"), "--", .. Spinner(python, "sampled", 2)], repository.Path);
        recordInfo.Environment["SONDE_STORE"] = store;
        var record = SondeCli.Finish(Process.Start(recordInfo)!, _timeout);
        Assert.True(record.ExitCode == 0, record.ToString());
        Assert.Contains("sonde: saved in the history as @1 and @sampled", record.StdErr);
        var trace = Sonde(store, ["trace", "-o", _directory.File("t.prof"), "--", .. Spinner(python, "traced", 0.2)]);
        Assert.True(trace.ExitCode == 0, trace.ToString());

        var recordings = Recordings(Sonde(store, "history", "--json"));
        Assert.Equal(2, recordings.Length);
        var (traced, sampled) = (recordings[0], recordings[1]);
        Assert.Equal((2, "tracing"), (traced.GetProperty("id").GetInt32(), traced.GetProperty("mode").GetString()));
        Assert.Equal((1, "sampling", "sampled"), (sampled.GetProperty("id").GetInt32(), sampled.GetProperty("mode").GetString(), sampled.GetProperty("name").GetString()));
        Assert.StartsWith("hot_sampled ", sampled.GetProperty("top_function").GetString());
        Assert.StartsWith("hot_traced ", traced.GetProperty("top_function").GetString());
        Assert.Equal(repository.Head(), sampled.GetProperty("git_commit").GetString());
        // How many samples a loaded machine allows varies; that they match the file is checked below, stack by stack.
        Assert.True(sampled.GetProperty("samples").GetInt64() > 0, sampled.ToString());
        Assert.Contains(python, sampled.GetProperty("command").GetString());

        var text = Sonde(store, "history");
        Assert.Contains("@1", text.StdOut);
        Assert.Contains("sampled", text.StdOut);
        Assert.Contains(repository.Head()[..10], text.StdOut);

        var report = Sonde(store, "report", "@last", "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains("hot_traced", report.StdOut);
        var show = Sonde(store, "show", "@sampled");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("recording @1 (sampled)", show.StdOut);
        Assert.Contains("hot_sampled", show.StdOut);
        var folded = _directory.File("sampled.folded");
        var convert = Sonde(store, "convert", "@1", "-o", folded);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Contains("hot_sampled", File.ReadAllText(folded));
        // The same recording, read from the file record wrote and from the store, gives the same folded stacks.
        var fromFile = _directory.File("file.folded");
        Assert.Equal(0, Sonde(store, "convert", _directory.File("r.sonde"), "-o", fromFile).ExitCode);
        Assert.Equal(File.ReadAllText(fromFile), File.ReadAllText(folded));
    }

    [Fact]
    public void Diff_and_check_take_stored_ids()
    {
        var python = PythonInstalls.Require("3.12").Path!;
        var store = _directory.File("store");
        foreach (var name in new[] { "base", "new" })
        {
            var trace = Sonde(store, ["trace", "--name", name, "-o", _directory.File(name + ".prof"), "--", .. Spinner(python, "x", 0.1)]);
            Assert.True(trace.ExitCode == 0, trace.ToString());
        }

        var diff = Sonde(store, "diff", "@base", "@last", "--json");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains("hot_x", diff.StdOut);
        // A generous threshold: this is about finding the recordings, not about their timings.
        var check = Sonde(store, "check", "@new", "--baseline", "@base", "--max-regression", "1000");
        Assert.True(check.ExitCode == 0, check.ToString());
        var missing = Sonde(store, "check", "@new", "--baseline", "@nosuchname");
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("nosuchname", Assert.Single(missing.StdErr.Trim().Split('\n')));
    }

    [Fact]
    public void Mem_is_saved_as_a_memory_recording()
    {
        var python = PythonInstalls.Require("3.12").Path!;
        var store = _directory.File("store");
        var mem = Sonde(store, ["mem", "--name", "allocs", "-o", _directory.File("m.sonde"), "--", python, "-c", "kept = [bytearray(1 << 20) for _ in range(8)]"]);
        Assert.True(mem.ExitCode == 0, mem.ToString());

        var recording = Assert.Single(Recordings(Sonde(store, "history", "--json")));
        Assert.Equal(("memory", "allocs"), (recording.GetProperty("mode").GetString(), recording.GetProperty("name").GetString()));
        var report = Sonde(store, "report", "@allocs", "--metric", "leaked", "--json");
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal("bytes", JsonDocument.Parse(report.StdOut).RootElement.GetProperty("unit").GetString());
    }

    [Fact]
    public void No_store_saves_nothing()
    {
        var python = PythonInstalls.Require("3.12").Path!;
        var store = _directory.File("store");
        var trace = Sonde(store, ["trace", "--no-store", "-o", _directory.File("t.prof"), "--", .. Spinner(python, "x", 0.1)]);
        Assert.True(trace.ExitCode == 0, trace.ToString());
        Assert.DoesNotContain("history", trace.StdErr);
        Assert.Empty(Recordings(Sonde(store, "history", "--json")));
    }

    [Fact]
    public void A_store_that_cannot_be_reached_costs_a_warning_not_the_recording()
    {
        var python = PythonInstalls.Require("3.12").Path!;
        var output = _directory.File("t.prof");
        var trace = Sonde("/dev/null/store", ["trace", "-o", output, "--", .. Spinner(python, "x", 0.1)]);

        Assert.True(trace.ExitCode == 0, trace.ToString());
        Assert.True(File.Exists(output));
        var warning = Assert.Single(trace.StdErr.Split('\n'), line => line.Contains("not saved in the history"));
        Assert.Contains("/dev/null/store", warning);

        var history = Sonde("/dev/null/store", "history");
        Assert.Equal(4, history.ExitCode);
        Assert.Single(history.StdErr.TrimEnd().Split('\n'));
        Assert.StartsWith("sonde: can't ", history.StdErr);
    }

    [Fact]
    public void Stored_ids_that_match_nothing_and_newer_schemas_get_one_line_and_exit_4()
    {
        var store = _directory.File("store");
        var missing = Sonde(store, "report", "@nightly");
        Assert.Equal(4, missing.ExitCode);
        Assert.Equal("sonde: no recording @nightly in the history store " + Path.Combine(store, "history.db") + "; 'sonde history' lists them", missing.StdErr.TrimEnd());

        SQLitePCL.Batteries_V2.Init();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(store, "history.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO sonde_schema (version) VALUES (999)";
            command.ExecuteNonQuery();
        }
        var newer = Sonde(store, "history");
        Assert.Equal(4, newer.ExitCode);
        Assert.Single(newer.StdErr.TrimEnd().Split('\n'));
        Assert.Contains("schema version 999, newer than this Sonde knows", newer.StdErr);
    }

    public static TheoryData<string> Kinds => new("sqlite", "postgresql");

    /// <summary>Several sonde processes finish at once and all save into one store: every recording is there, intact.</summary>
    [Theory, MemberData(nameof(Kinds))]
    public void Concurrent_writers_from_several_processes_lose_nothing(string kind)
    {
        var python = PythonInstalls.Require("3.12").Path!;
        using var postgres = kind == "postgresql" ? PostgresServer.Start() : null;
        var store = postgres?.Url() ?? _directory.File("store");
        const int writers = 6;
        var processes = Enumerable.Range(0, writers).Select(i =>
        {
            var info = SondeCli.StartInfo(["trace", "--name", $"writer{i}", "-o", _directory.File($"w{i}.prof"), "--", .. Spinner(python, $"w{i}", 0.3)], _directory.Path);
            info.Environment["SONDE_STORE"] = store;
            return Process.Start(info)!;
        }).ToList();
        var results = processes.Select(p => SondeCli.Finish(p, _timeout)).ToList();
        foreach (var process in processes) process.Dispose();
        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(result.StdErr.Contains("sonde: saved in the history as @"), result.ToString());
        }

        var recordings = Recordings(Sonde(store, "history", "--json", "-n", "0"));
        Assert.Equal(writers, recordings.Length);
        Assert.Equal(writers, recordings.Select(r => r.GetProperty("id").GetInt64()).Distinct().Count());
        foreach (var recording in recordings)
        {
            var name = recording.GetProperty("name").GetString()!;
            Assert.StartsWith($"hot_w{name["writer".Length..]} ", recording.GetProperty("top_function").GetString());
        }
        for (var i = 0; i < writers; i++)
        {
            var report = Sonde(store, "report", $"@writer{i}", "--json", "-n", "3");
            Assert.True(report.ExitCode == 0, report.ToString());
            Assert.Contains($"hot_w{i}", report.StdOut);
        }
    }
}
