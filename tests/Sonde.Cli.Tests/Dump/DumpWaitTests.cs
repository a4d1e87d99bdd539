using System.Text.Json;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Dump;

/// <summary>
/// `dump` says what each idle thread is blocked in: the system call from /proc and what it means in Python terms.
/// The fixture's threads wait in a known place each: Lock.acquire, time.sleep and select.select.
/// </summary>
public sealed class DumpWaitTests
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    [Theory, MemberData(nameof(Pythons))]
    public void IdleThreadsSayWhatTheyAreBlockedIn(string python)
    {
        var py = PythonInstalls.Require(python);
        using var target = PythonProcess.Start(py.Path!, Repository.Fixture("top_target.py"), ["0"]);
        var json = SondeCli.Run("dump", "-p", target.Pid.ToString(), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var threads = document.RootElement.GetProperty("threads").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);

        // time.sleep is clock_nanosleep from 3.11 and select() before; select.select is pselect6 or select.
        AssertBlocked(threads["lock-waiter"], "lock_waiter", ["futex", "futex_waitv"], "Lock.acquire");
        AssertBlocked(threads["sleeper"], "sleeper", ["clock_nanosleep", "nanosleep", "pselect6", "select"], "sleep");
        AssertBlocked(threads["selector"], "selector", ["pselect6", "select", "poll", "ppoll"], "select");

        var text = SondeCli.Run("dump", "-p", target.Pid.ToString());
        Assert.True(text.ExitCode == 0, text.ToString());
        var header = text.StdOut.Split('\n').Single(l => l.Contains("\"lock-waiter\""));
        Assert.Matches(@"\(idle, blocked in futex(_waitv)?: a lock \(Lock\.acquire", header);
    }

    private static void AssertBlocked(JsonElement thread, string function, string[] syscalls, string meaning)
    {
        Assert.False(thread.GetProperty("active").GetBoolean());
        Assert.Equal(function, thread.GetProperty("frames")[0].GetProperty("function").GetString());
        var blocked = thread.GetProperty("blocked");
        Assert.Contains(blocked.GetProperty("syscall").GetString(), syscalls);
        Assert.True(blocked.GetProperty("syscall_number").GetInt32() >= 0);
        Assert.Contains(meaning, blocked.GetProperty("meaning").GetString());
    }
}
