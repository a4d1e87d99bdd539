using System.Globalization;
using Sonde.Profiles.Errors;

namespace Sonde.Metrics;

/// <summary>What /proc says about a process: CPU time, resident memory, and how many of its threads are in each state.</summary>
public sealed record ProcessStats(double CpuSeconds, long ResidentBytes, IReadOnlyDictionary<string, int> ThreadsByState)
{
    /// <summary>The states threads are counted in, named after what the kernel's state letter means.</summary>
    public static readonly IReadOnlyList<string> States = ["running", "sleeping", "disk_sleep", "stopped", "zombie", "idle", "other"];

    private const long ClockTicksPerSecond = 100;

    /// <exception cref="TargetExitedException">The process is gone.</exception>
    public static ProcessStats Read(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = AfterCommand(stat);
            // Fields after the command: state(3) ... utime(14) stime(15), counted from 1 as in proc(5).
            var cpuTicks = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
            var residentPages = long.Parse(File.ReadAllText($"/proc/{processId}/statm").Split(' ')[1], CultureInfo.InvariantCulture);
            var byState = States.ToDictionary(s => s, _ => 0);
            foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
            {
                string text;
                try { text = File.ReadAllText(Path.Combine(task, "stat")); }
                catch (IOException) { continue; } // the thread ended between listing and reading
                byState[StateName(AfterCommand(text)[0])]++;
            }
            return new ProcessStats((double)cpuTicks / ClockTicksPerSecond, residentPages * Environment.SystemPageSize, byState);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TargetExitedException(processId, e);
        }
    }

    /// <summary>The command is in parentheses and may itself hold spaces and parentheses, so split after the last ')'.</summary>
    private static string[] AfterCommand(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    private static string StateName(string letter) => letter switch
    {
        "R" => "running",
        "S" => "sleeping",
        "D" => "disk_sleep",
        "T" or "t" => "stopped",
        "Z" or "X" => "zombie",
        "I" => "idle",
        _ => "other",
    };
}
