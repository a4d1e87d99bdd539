using System.Diagnostics;

namespace Sonde.Agent.Tests.Support;

/// <summary>Runs a command under the agent, the way `sonde trace` does, and returns what it collected.</summary>
internal static class Traces
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The agent's compiled helpers switched off: it does their work in Python instead.</summary>
    public static readonly IReadOnlyDictionary<string, string> WithoutNative = new Dictionary<string, string> { ["SONDE_NO_NATIVE"] = "1" };

    public static TraceResult Run(AgentOptions options, params string[] command) => Run(options, null, command);

    public static TraceResult Run(AgentOptions options, IReadOnlyDictionary<string, string>? environment, params string[] command)
    {
        using var session = TraceSession.Start(command, options, environment: environment);
        using var timeout = new CancellationTokenSource(Timeout);
        if (!session.WaitForExit(timeout.Token))
        {
            Kill(session.ProcessId);
            throw new TimeoutException($"'{session.CommandLine}' ran longer than {Timeout}");
        }
        return session.Finish(TimeSpan.FromSeconds(5));
    }

    public static TraceResult Run(params string[] command) => Run(new AgentOptions(), command);

    /// <summary>SIGKILL, which no program can catch.</summary>
    public static void Kill(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill();
        }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
    }

    /// <summary>Waits until a file appears (a fixture saying it is ready), or fails the test.</summary>
    public static string WaitForFile(string path, TraceSession session)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (session.HasExited) throw new InvalidOperationException($"the target exited before writing {path}");
            if (clock.Elapsed > Timeout) throw new TimeoutException($"{path} never appeared");
            Thread.Sleep(20);
        }
        return File.ReadAllText(path);
    }
}
