using System.CommandLine;
using System.Runtime.InteropServices;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.Targets;
using Sonde.Cli.Top;
using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Commands;

/// <summary>
/// `sonde top`: which functions are hot right now, redrawn every second on the full screen; on a stdout that is not a
/// terminal, the same table as plain text every second.
/// </summary>
internal static class TopCommand
{
    private static readonly TimeSpan _refresh = TimeSpan.FromSeconds(1);
    private const int TextRows = 20;
    private const int TextWidth = 400;

    public static Command Create(Terminal terminal)
    {
        var rate = new Option<double>("--rate", "-r") { Description = "Samples per second", DefaultValueFactory = _ => 100 };
        var duration = new Option<double?>("--duration", "-d") { Description = "Stop after this many seconds" };
        var idle = new Option<bool>("--idle") { Description = "Start with idle threads shown (key i toggles)" };
        var threads = new Option<bool>("--threads") { Description = "Start with one row per function and thread (key t toggles)" };
        var sort = new Option<string>("--sort")
        {
            Description = "Column to sort by first (keys 1-4 change it): own, total, own-time, total-time",
            DefaultValueFactory = _ => "own",
        };
        sort.AcceptOnlyFromAmong("own", "total", "own-time", "total-time");
        var subprocesses = CommonOptions.Subprocesses();
        var pid = CommonOptions.Pid();
        var command = CommonOptions.Command();
        var top = new Command("top", Examples.Describe(
            "Show which functions of a running Python program are using the time right now, refreshed every second. " +
            "Keys: 1-4 sort by own %, total %, own time, total time; s next column; i idle threads; t per thread; " +
            "p pause; q quit. When stdout is not a terminal, prints the table as text every second instead.",
            "sonde top -p 4242",
            "sonde top -- python3 app.py --port 8000",
            "sonde top --subprocesses -p 4242",
            "sonde top -p 4242 -d 10 --sort total-time > top.log"))
        {
            rate, duration, idle, threads, sort, subprocesses, pid, command,
        };
        top.SetAction(result => Run(new TopOptions(
            result.GetValue(rate), result.GetValue(duration), result.GetValue(idle), result.GetValue(threads),
            SortOf(result.GetValue(sort)), result.GetValue(subprocesses), result.GetValue(pid), result.GetValue(command) ?? []), terminal));
        return top;
    }

    internal static int Run(TopOptions options, Terminal terminal)
    {
        Validate(options);
        using var signals = new TerminationSignals();
        using var launched = options.Pid is null ? LaunchedProcess.Start(options.Command) : null;
        var pid = options.Pid ?? launched!.ProcessId;
        PythonTarget? root = null;
        if (options.Subprocesses)
        {
            Subprocesses.RequireProcess(pid);
            if (launched is null) root = Subprocesses.TryAttachRoot(pid);
        }
        else
        {
            root = launched is null ? PythonTarget.Attach(pid) : PythonTarget.AttachWhenReady(pid, () => !launched.HasExited, signals.Token);
            if (root is null)
            {
                if (launched is not null && signals.Received is null)
                    terminal.Error.WriteLine($"sonde: the command exited before Python started; nothing to show");
                return launched?.WaitForExit() ?? ExitCodes.Ok;
            }
        }

        var samplerOptions = new SamplerOptions
        {
            RateHz = options.Rate,
            Duration = options.Duration is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
        Func<bool> alive = launched is null ? () => Directory.Exists($"/proc/{pid}") : () => !launched.HasExited;
        var target = TopSession.Describe(pid, launched?.CommandLine ?? ProcessCommandLine.Read(pid));
        var view = new TopView { ShowIdle = options.Idle, PerThread = options.Threads, Sort = options.Sort };
        bool quit;
        using (var session = new TopSession(pid, root, samplerOptions, options.Subprocesses, target, alive, signals.Token))
        {
            quit = terminal.OutputIsTty
                ? RunScreen(session, view, terminal, signals.Token)
                : RunText(session, view, terminal, signals.Token);
            session.Stop();
            foreach (var warning in session.Warnings) terminal.Error.WriteLine($"sonde: warning: {TerminalText.Escape(warning)}");
            if (session.Failure is not null) throw session.Failure;
            if (!quit && signals.Received is null && session.StopReason == SamplerStopReason.TargetExited)
                terminal.Error.WriteLine(launched is not null
                    ? $"sonde: the command exited with code {launched.WaitForExit()}; top stopped after {Numbers.Seconds(session.Elapsed.TotalSeconds)}"
                    : $"sonde: process {pid} exited; top stopped after {Numbers.Seconds(session.Elapsed.TotalSeconds)}");
        }
        if (launched is null) return ExitCodes.Ok;
        if (quit || signals.Received is not null)
        {
            // Top started the command only to watch it: it doesn't outlive top. A program that ignores the first
            // signal gets SIGTERM; one that ignores that too is left running rather than waited for forever.
            if (!StopsAfter(launched, signals.Received ?? PosixSignal.SIGTERM)) StopsAfter(launched, PosixSignal.SIGTERM);
            return ExitCodes.Ok;
        }
        return launched.WaitForExit();
    }

    private static bool StopsAfter(LaunchedProcess launched, PosixSignal signal)
    {
        launched.Signal(signal);
        for (var waited = 0; waited < 3000 && !launched.HasExited; waited += 50) Thread.Sleep(50);
        return launched.HasExited;
    }

    /// <summary>The full-screen loop; true when the user quit, false when sampling ended (target exited, duration, signal).</summary>
    private static bool RunScreen(TopSession session, TopView view, Terminal terminal, CancellationToken cancellation)
    {
        using var screen = new TopScreen(terminal, readKeys: !System.Console.IsInputRedirected);
        (TopHeader Header, TopWindow Window)? shown = null;
        var next = session.Elapsed + _refresh;
        Redraw(screen, view, shown, session);
        while (!cancellation.IsCancellationRequested && !session.Finished)
        {
            var key = screen.NextKey(next - session.Elapsed, cancellation);
            if (key is 'q' or 'Q') return true;
            var changed = key is { } k && view.HandleKey(k);
            if (session.Elapsed >= next)
            {
                next += _refresh;
                if (next < session.Elapsed) next = session.Elapsed + _refresh;
                if (!view.Paused || shown is null) shown = session.Take();
                changed = true;
            }
            if (changed) Redraw(screen, view, shown, session);
        }
        return false;
    }

    private static void Redraw(TopScreen screen, TopView view, (TopHeader Header, TopWindow Window)? shown, TopSession session)
    {
        var (width, height) = TopScreen.Size();
        if (width < TopView.MinWidth || height < TopView.MinHeight)
        {
            screen.DrawTooSmall(width, height);
            return;
        }
        if (shown is not { } s)
        {
            screen.Draw([TopView.Fit("sonde top: sampling; the first figures come after a second", width)]);
            return;
        }
        var lines = view.RenderScreen(s.Header, s.Window, width, height);
        // The latest warning about a child, if any, replaces the blank line under the header.
        if (session.Warnings.LastOrDefault() is { } warning) lines[3] = TopView.Fit("warning: " + TerminalText.Escape(warning), width);
        screen.Draw(lines);
    }

    /// <summary>The plain-text loop: a block per second, and a last block for what came after the last one.</summary>
    private static bool RunText(TopSession session, TopView view, Terminal terminal, CancellationToken cancellation)
    {
        var output = terminal.Out;
        while (!cancellation.IsCancellationRequested && !session.WaitFinished(_refresh))
        {
            WriteBlock(output, view, session);
            while (session.Warnings.TryDequeue(out var warning)) terminal.Error.WriteLine($"sonde: warning: {TerminalText.Escape(warning)}");
        }
        WriteBlock(output, view, session);
        return false;
    }

    private static void WriteBlock(TextWriter output, TopView view, TopSession session)
    {
        var (header, window) = session.Take();
        foreach (var line in view.RenderText(header, window, TextRows + 1, TextWidth)) output.WriteLine(line);
        output.WriteLine();
        output.Flush();
    }

    private static TopSort SortOf(string? name) => name switch
    {
        "total" => TopSort.TotalPercent,
        "own-time" => TopSort.OwnTime,
        "total-time" => TopSort.TotalTime,
        _ => TopSort.OwnPercent,
    };

    private static void Validate(TopOptions options)
    {
        if (options.Pid is not null && options.Command.Count > 0)
            throw new UsageException("give either -p PID or a command after --, not both");
        if (options.Pid is null && options.Command.Count == 0)
            throw new UsageException("give a PID with -p PID or a command after --, e.g. sonde top -- python3 app.py");
        if (options.Rate is <= 0 or > 10_000)
            throw new UsageException($"--rate must be between 1 and 10000 samples per second, not {options.Rate}");
        if (options.Duration is <= 0)
            throw new UsageException("--duration must be a positive number of seconds");
    }
}
