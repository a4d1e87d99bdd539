using Sonde.Cli.Console;
using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;

namespace Sonde.Cli.Targets;

/// <summary>What the verbs share for --subprocesses: the root must exist, and warnings about children are one line each.</summary>
internal static class Subprocesses
{
    /// <summary>With --subprocesses the root need not be Python itself (a shell may start Python), but it must exist.</summary>
    public static void RequireProcess(int pid)
    {
        if (pid <= 0 || !Directory.Exists($"/proc/{pid}"))
            throw new TargetException($"no process with PID {pid}; check the PID with `ps`");
    }

    /// <summary>
    /// With -p, the root attached at once when it is Python, so its first moments aren't lost to the scan; null when
    /// it isn't (yet), and the process tree sampler attaches it like a descendant if it turns out to be.
    /// </summary>
    public static PythonTarget? TryAttachRoot(int pid)
    {
        try { return PythonTarget.Attach(pid); }
        catch (TargetExitedException) { throw; }
        catch (TargetException) { return null; }
    }

    /// <summary>Writes each warning as one line on stderr, first clearing a live status line there.</summary>
    public static Action<string> Warner(Terminal terminal)
    {
        var gate = new object();
        return message =>
        {
            lock (gate)
            {
                var clear = terminal.ErrorIsTty ? "\r\u001b[K" : "";
                terminal.Error.WriteLine(clear + terminal.Yellow($"sonde: warning: {TerminalText.Escape(message)}", forError: true));
            }
        };
    }
}
