using Sonde.Profiles.Errors;

namespace Sonde.Remote.Memory;

/// <summary>The user-facing messages shared by everything that opens a target process.</summary>
internal static class TargetErrors
{
    public static TargetException NoSuchProcess(int processId, Exception? inner = null) =>
        new($"no process with PID {processId}; check the PID with `ps`", inner);

    public static TargetException PermissionDenied(int processId, Exception? inner = null) =>
        new($"permission denied reading process {processId}; run as root or with CAP_SYS_PTRACE, " +
            "or set /proc/sys/kernel/yama/ptrace_scope to 0, and in containers add `--cap-add SYS_PTRACE`", inner);

    /// <summary>/proc/PID exists while the process lives, zombies included.</summary>
    public static bool ProcessExists(int processId) => processId > 0 && Directory.Exists($"/proc/{processId}");
}
