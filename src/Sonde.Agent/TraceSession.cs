using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Sonde.Agent.Collection;
using Sonde.Profiles.Errors;

namespace Sonde.Agent;

/// <summary>
/// Launches a command with the agent on its PYTHONPATH and a Unix socket to report to, then collects what every
/// Python process it starts sends. The command inherits stdin, stdout and stderr, so it behaves as without Sonde.
/// </summary>
public sealed partial class TraceSession : IDisposable
{
    /// <summary>The environment variable that tells the agent where to connect.</summary>
    public const string SocketVariable = "SONDE_AGENT_SOCKET";

    private readonly Process _process;
    private readonly TraceCollector _collector;
    private readonly AgentListener _listener;
    private readonly DirectoryInfo _socketDirectory;
    private readonly Stopwatch _clock;
    private readonly DateTimeOffset _startTime;
    private string _verb = "trace";

    private TraceSession(Process process, TraceCollector collector, AgentListener listener, DirectoryInfo socketDirectory,
        string commandLine, Stopwatch clock, DateTimeOffset startTime)
    {
        _process = process;
        _collector = collector;
        _listener = listener;
        _socketDirectory = socketDirectory;
        CommandLine = commandLine;
        _clock = clock;
        _startTime = startTime;
    }

    public int ProcessId => _process.Id;

    /// <summary>When the command was started; a memory profile's times count from it.</summary>
    public DateTimeOffset StartTime => _startTime;
    public string CommandLine { get; }
    public bool HasExited => _process.HasExited;

    /// <param name="environment">Variables to set for the command on top of Sonde's own.</param>
    /// <exception cref="TargetException">The command can't be started.</exception>
    public static TraceSession Start(IReadOnlyList<string> command, AgentOptions options, string? agentDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var verb = VerbOf(options);
        if (command.Count == 0) throw new UsageException($"give the command to run after --, e.g. sonde {verb} -- python3 app.py");
        agentDirectory ??= AgentFiles.Extract();
        var socketDirectory = CreateSocketDirectory();
        var collector = new TraceCollector(options);
        AgentListener? listener = null;
        try
        {
            listener = AgentListener.Start(SocketPath(socketDirectory.FullName), collector);
            var info = new ProcessStartInfo(command[0]) { UseShellExecute = false };
            foreach (var argument in command.Skip(1)) info.ArgumentList.Add(argument);
            var pythonPath = Environment.GetEnvironmentVariable("PYTHONPATH");
            info.Environment["PYTHONPATH"] = string.IsNullOrEmpty(pythonPath) ? agentDirectory : agentDirectory + Path.PathSeparator + pythonPath;
            info.Environment[SocketVariable] = SocketPath(socketDirectory.FullName);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
            var startTime = DateTimeOffset.Now;
            var clock = Stopwatch.StartNew();
            var process = Process.Start(info) ?? throw new TargetException($"could not start '{command[0]}'");
            collector.SetRoot(process.Id);
            return new TraceSession(process, collector, listener, socketDirectory, string.Join(' ', command), clock, startTime) { _verb = verb };
        }
        catch (Win32Exception e)
        {
            Cleanup(listener, socketDirectory);
            throw new TargetException($"could not start '{command[0]}': {e.Message}; check the command and your PATH", e);
        }
        catch
        {
            Cleanup(listener, socketDirectory);
            throw;
        }
    }

    /// <summary>Waits for the launched command to exit; false when <paramref name="token"/> fired first.</summary>
    public bool WaitForExit(CancellationToken token)
    {
        try
        {
            _process.WaitForExitAsync(token).GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            return _process.HasExited;
        }
    }

    /// <summary>
    /// After the command exited: waits up to <paramref name="grace"/> for the other processes' reports to end
    /// (children can outlive the command), then returns everything collected.
    /// </summary>
    /// <exception cref="TargetException">The command isn't CPython 3.8+, its script is missing, or no Python loaded the agent.</exception>
    public TraceResult Finish(TimeSpan grace)
    {
        _process.WaitForExit();
        var duration = _clock.Elapsed;
        var allEnded = _listener.WaitForConnections(grace);
        _listener.Dispose();
        if (_collector.RejectedRoot is { } rejected) throw RootRejected(rejected);
        var processes = _collector.Results();
        if (processes.Count == 0)
            throw new TargetException($"no Python process loaded Sonde's agent: '{CommandLine}' must run CPython 3.8 or newer, without -I, -E or -S");
        return new TraceResult(CommandLine, _process.Id, _process.ExitCode, _startTime, duration, processes, !allEnded);
    }

    /// <summary>What the agents sent so far, while the command still runs (`sonde mem --metrics` reads it per scrape).</summary>
    public IReadOnlyList<TracedProcess> LiveProcesses() => _collector.Results();

    public void Signal(PosixSignal signal)
    {
        if (_process.HasExited) return;
        var number = signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGQUIT => 3,
            PosixSignal.SIGHUP => 1,
            _ => 15,
        };
        Kill(_process.Id, number);
    }

    public void Dispose()
    {
        Cleanup(_listener, _socketDirectory);
        _process.Dispose();
    }

    private static string VerbOf(AgentOptions options) => options.Mode == AgentMode.Memory ? "mem" : "trace";

    private TargetException RootRejected(Protocol.AgentHello hello)
    {
        if (hello.ScriptMissing && !hello.Unsupported)
        {
            var script = hello.Arguments.Count > 0 ? hello.Arguments[0] : "";
            return new TargetException($"can't find the script '{script}' (from {Directory.GetCurrentDirectory()}); check its path");
        }
        return new TargetException($"'{hello.Executable}' is {hello.Description}; sonde {_verb} needs CPython 3.8 or newer");
    }

    private static string SocketPath(string directory) => Path.Combine(directory, "agent.sock");

    /// <summary>
    /// A directory only this user can enter, for the socket. A socket path holds at most 107 bytes, so a long
    /// TMPDIR gives way to /tmp.
    /// </summary>
    private static DirectoryInfo CreateSocketDirectory()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("sonde trace runs on Linux");
        var directory = Directory.CreateTempSubdirectory("sonde-trace-");
        if (System.Text.Encoding.UTF8.GetByteCount(SocketPath(directory.FullName)) < 100) return directory;
        directory.Delete();
        var fallback = Path.Combine("/tmp", "sonde-trace-" + Guid.NewGuid().ToString("N")[..12]);
        return Directory.CreateDirectory(fallback, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void Cleanup(AgentListener? listener, DirectoryInfo directory)
    {
        listener?.Dispose();
        try { directory.Delete(recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
