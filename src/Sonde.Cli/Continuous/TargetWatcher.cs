using System.Text.RegularExpressions;
using Sonde.Cli.Targets;
using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Continuous;

/// <summary>
/// The processes `sonde agent` samples: one PID, or every Python process whose command line matches a pattern,
/// rescanned before each window. Everything it remembers is keyed by live processes and pruned on each scan, so
/// hours of processes coming and going leave nothing behind.
/// </summary>
internal sealed class TargetWatcher
{
    /// <summary>Scans in which a matching Python process may still be starting up before we give up on it.</summary>
    private const int AttachAttempts = 3;

    private readonly int? _pid;
    private readonly Regex? _match;
    private readonly Action<string> _say;
    private readonly HashSet<int> _excluded = ProcessStart.SelfAndAncestors();
    private readonly List<WatchedTarget> _targets = [];
    private readonly Dictionary<(int Pid, long Start), int> _failedAttempts = [];

    public TargetWatcher(int? pid, Regex? match, Action<string> say)
    {
        _pid = pid;
        _match = match;
        _say = say;
    }

    public IReadOnlyList<WatchedTarget> Targets => _targets;

    /// <summary>Attaches the -p process (throwing when it can't be read) or rescans for new matches.</summary>
    public void Refresh()
    {
        if (_pid is { } pid)
        {
            if (_targets.Count == 0) _targets.Add(Attach(pid, ProcessStart.Of(pid)));
            return;
        }
        var seen = new HashSet<(int, long)>();
        foreach (var candidate in Candidates())
        {
            var start = ProcessStart.Of(candidate);
            if (start < 0) continue;
            seen.Add((candidate, start));
            if (_targets.Any(t => t.ProcessId == candidate && t.StartTicks == start)) continue;
            var attempts = _failedAttempts.GetValueOrDefault((candidate, start));
            if (attempts >= AttachAttempts || !ProcFiles.LooksLikePython(candidate)) continue;
            try
            {
                var target = Attach(candidate, start);
                _targets.Add(target);
                _failedAttempts.Remove((candidate, start));
                _say($"attached to process {candidate} (Python {target.Target.Binary.Version}): {Sonde.Cli.Console.TerminalText.Escape(target.CommandLine)}");
            }
            catch (TargetException e)
            {
                _failedAttempts[(candidate, start)] = ++attempts;
                if (attempts == AttachAttempts) _say($"skipping process {candidate}: {e.Message}");
            }
        }
        foreach (var key in _failedAttempts.Keys.Where(k => !seen.Contains(k)).ToList()) _failedAttempts.Remove(key);
    }

    /// <summary>Drops the targets that exited, with one line each; returns how many.</summary>
    public int DropExited()
    {
        var dropped = 0;
        for (var i = _targets.Count - 1; i >= 0; i--)
        {
            if (_targets[i].IsAlive()) continue;
            _say($"process {_targets[i].ProcessId} exited; no longer sampling it");
            _targets.RemoveAt(i);
            dropped++;
        }
        return dropped;
    }

    private static WatchedTarget Attach(int pid, long start) =>
        new(pid, start, PythonTarget.Attach(pid), ProcessCommandLine.Read(pid) ?? $"process {pid}");

    private IEnumerable<int> Candidates()
    {
        foreach (var path in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(path), out var pid) || _excluded.Contains(pid)) continue;
            var command = ProcessCommandLine.Read(pid);
            if (string.IsNullOrEmpty(command)) continue;
            bool matches;
            try { matches = _match!.IsMatch(command); }
            catch (RegexMatchTimeoutException) { matches = false; }
            if (matches) yield return pid;
        }
    }
}
