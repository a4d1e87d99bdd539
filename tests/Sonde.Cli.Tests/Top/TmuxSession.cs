using System.Diagnostics;
using Sonde.Cli.Tests.Support;

namespace Sonde.Cli.Tests.Top;

/// <summary>
/// A real terminal for full-screen tests: a tmux server of its own (its own socket, no user config) running one
/// shell command in a window of a given size, read with capture-pane and driven with send-keys.
/// </summary>
internal sealed class TmuxSession : IDisposable
{
    private readonly string _socket = "sonde-test-" + Guid.NewGuid().ToString("N")[..8];

    public TmuxSession(string shellCommand, int width, int height)
    {
        Tmux("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", width.ToString(), "-y", height.ToString(), shellCommand);
    }

    /// <summary>The sonde CLI as a shell command line, paths quoted.</summary>
    public static string Sonde(params string[] args) =>
        $"dotnet '{SondeCli.Dll}' " + string.Join(' ', args.Select(a => $"'{a}'"));

    public string Capture() => Tmux("capture-pane", "-p", "-t", "main");

    /// <summary>Types the text as keys, literally.</summary>
    public void Type(string keys) => Tmux("send-keys", "-t", "main", "-l", keys);

    public void Resize(int width, int height) => Tmux("resize-window", "-t", "main", "-x", width.ToString(), "-y", height.ToString());

    /// <summary>Polls the screen until the condition holds; fails with the last screen when it never does.</summary>
    public string WaitFor(Func<string, bool> condition, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var screen = "";
        while (DateTime.UtcNow < deadline)
        {
            screen = Capture();
            if (condition(screen)) return screen;
            Thread.Sleep(200);
        }
        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; the screen was:\n{screen}");
    }

    private string Tmux(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-L");
        info.ArgumentList.Add(_socket);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {error}");
        return output;
    }

    public void Dispose()
    {
        try { Tmux("kill-server"); }
        catch (InvalidOperationException) { }
    }
}
