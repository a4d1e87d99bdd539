using Sonde.Profiles.Errors;
using Sonde.Remote.Memory;

namespace Sonde.Remote.Tests.Memory;

public sealed class ProcMapsTests
{
    private const string Sample = """
        00400000-0041f000 r--p 00000000 fd:01 1234                               /usr/bin/python3.11
        7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0
        7f1c2b000000-7f1c2b100000 r-xp 00002000 08:02 99                         /opt/my dir/libpython3.12.so.1.0 (deleted)
        7ffd1e5f0000-7ffd1e611000 rw-p 00000000 00:00 0                          [stack]
        not a maps line
        """;

    [Fact]
    public void ParsesEveryFieldAndKeepsPathsWithSpaces()
    {
        var regions = ProcMaps.Parse(Sample);

        Assert.Equal(4, regions.Count);
        var exe = regions[0];
        Assert.Equal(0x400000UL, exe.Start);
        Assert.Equal(0x41f000UL, exe.End);
        Assert.Equal("r--p", exe.Permissions);
        Assert.Equal(0UL, exe.Offset);
        Assert.Equal(1234UL, exe.Inode);
        Assert.Equal("/usr/bin/python3.11", exe.Path);
        Assert.True(exe.IsReadable);
        Assert.False(exe.IsWritable);

        Assert.Null(regions[1].Path);
        Assert.Null(regions[1].FilePath);

        var lib = regions[2];
        Assert.Equal(0x2000UL, lib.Offset);
        Assert.True(lib.IsExecutable);
        Assert.True(lib.IsDeleted);
        Assert.Equal("/opt/my dir/libpython3.12.so.1.0", lib.FilePath);

        Assert.Equal("[stack]", regions[3].Path);
        Assert.Null(regions[3].FilePath);
    }

    [Fact]
    public void ReadsOurOwnProcess()
    {
        var regions = ProcMaps.Read(Environment.ProcessId);

        var exe = new FileInfo("/proc/self/exe").LinkTarget;
        Assert.Contains(regions, r => r.Path == exe);
        Assert.All(regions, r => Assert.True(r.End > r.Start));
    }

    [Fact]
    public void MissingProcessSaysToCheckThePid()
    {
        var error = Assert.Throws<TargetException>(() => ProcMaps.Read(int.MaxValue));

        Assert.Contains($"no process with PID {int.MaxValue}", error.Message);
        Assert.Contains("ps", error.Message);
        Assert.Equal(ExitCodes.TargetUnreadable, error.ExitCode);
        Assert.DoesNotContain('\n', error.Message);
    }
}
