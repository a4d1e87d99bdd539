using System.Runtime.InteropServices;
using Sonde.Profiles.Errors;

namespace Sonde.Remote.Memory;

/// <summary>
/// Reads a live process with <c>process_vm_readv(2)</c>: no ptrace stop, so the target keeps running while we
/// sample it. Needs the same permission as ptrace attach.
/// </summary>
public sealed partial class ProcessVmMemory : IProcessMemory
{
    // The same numbers on x86-64 and aarch64 (both use the generic errno table).
    private const int EPERM = 1;
    private const int ESRCH = 3;
    private const int ENOMEM = 12;
    private const int EACCES = 13;
    private const int EFAULT = 14;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;

    // The kernel caps an iovec array at IOV_MAX (1024), so a sampler tick's batch is one call.
    private const int MaxBatch = 1024;

    public ProcessVmMemory(int processId)
    {
        if (processId <= 0) throw TargetErrors.NoSuchProcess(processId);
        ProcessId = processId;
    }

    public int ProcessId { get; }

    public unsafe bool TryRead(ulong address, Span<byte> destination)
    {
        if (destination.IsEmpty) return true;
        fixed (byte* buffer = destination)
        {
            var local = new IoVec { Base = buffer, Length = (nuint)destination.Length };
            var remote = new IoVec { Base = (void*)address, Length = (nuint)destination.Length };
            var read = process_vm_readv(ProcessId, &local, 1, &remote, 1, 0);
            if (read < 0) return Fail(Marshal.GetLastPInvokeError());
            return read == destination.Length;
        }
    }

    public unsafe int ReadMany(ReadOnlySpan<RemoteRange> ranges, Span<byte> destination)
    {
        var done = 0;
        var offset = 0;
        var remote = stackalloc IoVec[Math.Min(MaxBatch, Math.Max(1, ranges.Length))];
        fixed (byte* buffer = destination)
        {
            while (done < ranges.Length)
            {
                var count = Math.Min(MaxBatch, ranges.Length - done);
                long total = 0;
                for (var i = 0; i < count; i++)
                {
                    var range = ranges[done + i];
                    if (range.Length < 0) throw new ArgumentOutOfRangeException(nameof(ranges), "a range has a negative length");
                    remote[i] = new IoVec { Base = (void*)range.Address, Length = (nuint)range.Length };
                    total += range.Length;
                }
                if (offset + total > destination.Length)
                {
                    throw new ArgumentException("destination is shorter than the ranges together", nameof(destination));
                }

                // The ranges land back to back in the destination, so one local iovec covers them all.
                var local = new IoVec { Base = buffer + offset, Length = (nuint)total };
                var read = total == 0 ? 0 : process_vm_readv(ProcessId, &local, 1, remote, (nuint)count, 0);
                if (read < 0)
                {
                    Fail(Marshal.GetLastPInvokeError());
                    return done;
                }

                // The kernel never splits an iovec element, but count whole ranges anyway in case one is short.
                long covered = 0;
                for (var i = 0; i < count; i++)
                {
                    covered += ranges[done + i].Length;
                    if (covered > read) return done + i;
                }
                done += count;
                offset += (int)total;
            }
        }
        return done;
    }

    /// <summary>
    /// What a failed read means: null for an unreadable address (the caller gets false), or the exception to
    /// throw when the process itself cannot be read.
    /// </summary>
    public static TargetException? ErrorFor(int processId, int errno) => errno switch
    {
        EFAULT or ENOMEM or EINVAL => null,
        ESRCH => new TargetExitedException(processId),
        // The kernel reports a refused ptrace access check as EPERM; seccomp filters in containers do too.
        EPERM or EACCES => TargetErrors.PermissionDenied(processId),
        ENOSYS => new TargetException(
            "this kernel has no process_vm_readv (CONFIG_CROSS_MEMORY_ATTACH is off); Sonde cannot read other processes here"),
        _ => new TargetException($"reading process {processId} failed with errno {errno}; check that the process is still running"),
    };

    private bool Fail(int errno)
    {
        if (ErrorFor(ProcessId, errno) is { } error) throw error;
        return false;
    }

    private unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint process_vm_readv(
        int pid, IoVec* localIov, nuint localIovCount, IoVec* remoteIov, nuint remoteIovCount, nuint flags);
}
