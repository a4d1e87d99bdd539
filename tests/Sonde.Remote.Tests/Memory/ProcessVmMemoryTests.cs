using System.Runtime.InteropServices;
using Sonde.Profiles.Errors;
using Sonde.Remote.Memory;

namespace Sonde.Remote.Tests.Memory;

public sealed class ProcessVmMemoryTests
{
    [Fact]
    public void ReadsOwnMemory()
    {
        var memory = new ProcessVmMemory(Environment.ProcessId);
        var source = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
        var handle = GCHandle.Alloc(source, GCHandleType.Pinned);
        try
        {
            var address = (ulong)handle.AddrOfPinnedObject();
            Span<byte> copy = stackalloc byte[16];

            Assert.True(memory.TryRead(address, copy));
            Assert.Equal(source, copy.ToArray());
            Assert.True(memory.TryReadUInt64(address, out var value));
            Assert.Equal(BitConverter.ToUInt64(source), value);
            Assert.True(memory.TryReadUInt32(address + 4, out var u32));
            Assert.Equal(BitConverter.ToUInt32(source, 4), u32);
            Assert.True(memory.TryReadInt32(address + 8, out var i32));
            Assert.Equal(BitConverter.ToInt32(source, 8), i32);
            Assert.True(memory.TryReadPointer(address + 8, out var pointer));
            Assert.Equal(BitConverter.ToUInt64(source, 8), pointer);
            Assert.Equal(BitConverter.ToUInt64(source, 8), memory.ReadStruct<ulong>(address + 8));
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void UnmappedAddressIsFalseNotAnError()
    {
        var memory = new ProcessVmMemory(Environment.ProcessId);
        Span<byte> copy = stackalloc byte[8];

        Assert.False(memory.TryRead(0x10, copy));
        Assert.False(memory.TryReadUInt64(0xffff_ffff_ffff_0000, out _));
        Assert.Throws<TargetException>(() => memory.ReadStruct<long>(0x10));
    }

    [Fact]
    public void ReadManyFillsRangesBackToBackAndStopsAtTheFirstBadOne()
    {
        var memory = new ProcessVmMemory(Environment.ProcessId);
        var source = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var handle = GCHandle.Alloc(source, GCHandleType.Pinned);
        try
        {
            var address = (ulong)handle.AddrOfPinnedObject();
            // More ranges than one kernel batch, to cross the chunking.
            var ranges = Enumerable.Range(0, 100).Select(i => new RemoteRange(address + (ulong)(i * 2), 2)).ToArray();
            var destination = new byte[200];

            Assert.Equal(100, memory.ReadMany(ranges, destination));
            Assert.Equal(source[..200], destination);

            ranges[70] = new RemoteRange(0x10, 2);
            Assert.Equal(70, memory.ReadMany(ranges, destination));

            Assert.Throws<ArgumentException>(() => memory.ReadMany(ranges, new byte[10]));
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void ReadsTheElfHeaderOfAnotherProcess()
    {
        using var target = TargetProcess.Start("sleep", ["30"], waitForLine: false);
        var exe = new FileInfo($"/proc/{target.Id}/exe").LinkTarget;
        var first = ProcMaps.Read(target.Id).Where(r => r.Path == exe).MinBy(r => r.Start)!;
        var memory = new ProcessVmMemory(target.Id);
        Span<byte> magic = stackalloc byte[4];

        Assert.True(memory.TryRead(first.Start, magic));
        Assert.Equal("\u007fELF"u8.ToArray(), magic.ToArray());
    }

    [Fact]
    public void ExitedProcessThrowsTargetExited()
    {
        var memory = new ProcessVmMemory(int.MaxValue);

        var error = Assert.Throws<TargetExitedException>(() => memory.TryReadUInt64(0x1000, out _));
        Assert.Equal(int.MaxValue, error.ProcessId);
    }

    [Fact]
    public void PermissionErrorsExplainHowToGetAccess()
    {
        foreach (var errno in new[] { 1, 13 })
        {
            var error = ProcessVmMemory.ErrorFor(42, errno);

            Assert.NotNull(error);
            Assert.IsNotType<TargetExitedException>(error);
            Assert.Contains("process 42", error.Message);
            Assert.Contains("CAP_SYS_PTRACE", error.Message);
            Assert.Contains("/proc/sys/kernel/yama/ptrace_scope", error.Message);
            Assert.Contains("--cap-add SYS_PTRACE", error.Message);
            Assert.DoesNotContain('\n', error.Message);
            Assert.Equal(ExitCodes.TargetUnreadable, error.ExitCode);
        }
    }

    [Fact]
    public void ErrnoMapping()
    {
        Assert.IsType<TargetExitedException>(ProcessVmMemory.ErrorFor(42, 3));
        Assert.Null(ProcessVmMemory.ErrorFor(42, 14));
        Assert.IsType<TargetException>(ProcessVmMemory.ErrorFor(42, 38));
    }
}
