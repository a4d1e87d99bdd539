using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;
using Sonde.Remote.Memory;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

public sealed class PythonProcessLocatorTests
{
    // A local alias: xunit.analyzers 1.26 crashes (AD0001) on MemberData whose MemberType lives in another assembly.
    public static TheoryData<string> Labels => PythonInstalls.Labels;

    [Theory, MemberData(nameof(Labels))]
    public void FindsTheRuntimeAndTheExactVersion(string label)
    {
        var python = PythonInstalls.Require(label);
        using var target = TargetProcess.StartPython(python.Path!);

        var binary = PythonProcessLocator.Locate(target.Id);

        Assert.Equal(target.FirstLine, binary.Version.ToString());
        Assert.Equal(python.Minor, binary.Version.Minor);
        Assert.Equal(target.Id, binary.ProcessId);
        Assert.Equal(new FileInfo($"/proc/{target.Id}/exe").LinkTarget, binary.ExecutablePath);
        if (label == PythonInstalls.DebianLabel)
        {
            // Debian links libpython statically into a non-PIE executable.
            Assert.False(binary.IsSharedLibrary);
            Assert.Equal(binary.ExecutablePath, binary.Path);
            Assert.Equal(0UL, binary.LoadBias);
        }
        else
        {
            Assert.True(binary.IsSharedLibrary);
            Assert.Matches($@"/libpython3\.{python.Minor}[a-z]*\.so", binary.Path);
        }

        // The runtime address lands inside a writable mapping of the process.
        var regions = ProcMaps.Read(target.Id);
        Assert.Contains(regions, r => r.Contains(binary.RuntimeAddress) && r.IsWritable);

        // The ELF header is where the bias says it is, and memory holds what the file says.
        using var elf = ElfFile.Open(binary.Path);
        var memory = new ProcessVmMemory(target.Id);
        var first = elf.ProgramHeaders.Where(h => h.IsLoad).MinBy(h => h.Offset);
        Span<byte> magic = stackalloc byte[4];
        Assert.True(memory.TryRead(binary.LoadBias + first.VirtualAddress - first.Offset, magic));
        Assert.Equal("\u007fELF"u8.ToArray(), magic.ToArray());
        if (python.Minor >= 11)
        {
            Assert.True(elf.TryGetSymbol("Py_Version", out var versionSymbol));
            Assert.True(memory.TryReadUInt64(binary.LoadBias + versionSymbol.Value, out var hex));
            Assert.Equal(binary.Version.Hex, hex);
        }
        if (python.Minor >= 13)
        {
            Span<byte> cookie = stackalloc byte[8];
            Assert.True(memory.TryRead(binary.RuntimeAddress, cookie));
            Assert.Equal("xdebugpy"u8.ToArray(), cookie.ToArray());
        }
    }

    [Fact]
    public void DeletedExecutableIsStillRead()
    {
        // A package upgrade replaces the binary under a running program; maps then says "(deleted)".
        var python = PythonInstalls.Require(PythonInstalls.DebianLabel);
        var directory = Directory.CreateTempSubdirectory("sonde-deleted-").FullName;
        try
        {
            var copy = Path.Combine(directory, "python3.11");
            File.Copy(python.Path!, copy);
            using var target = TargetProcess.StartPython(copy);
            File.Delete(copy);

            var binary = PythonProcessLocator.Locate(target.Id);

            Assert.Equal(copy, binary.Path);
            Assert.Equal(copy, binary.ExecutablePath);
            Assert.Equal(target.FirstLine, binary.Version.ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("/usr/bin/python3.9", 3, 9)]
    [InlineData("/opt/lib/libpython3.12.so.1.0", 3, 12)]
    [InlineData("libpython3.7m.so", 3, 7)]
    [InlineData("/usr/bin/python2.7", 2, 7)]
    public void FileNameGivesMajorAndMinor(string path, int major, int minor)
    {
        Assert.Equal(new PythonVersion(major, minor, 0), PythonProcessLocator.VersionFromFileName(path));
    }

    [Fact]
    public void FileNameWithoutVersionGivesNothing() => Assert.Null(PythonProcessLocator.VersionFromFileName("/usr/bin/python3"));

    [Fact]
    public void MissingProcessSaysToCheckThePid()
    {
        var error = Assert.Throws<TargetException>(() => PythonProcessLocator.Locate(int.MaxValue));

        Assert.Equal($"no process with PID {int.MaxValue}; check the PID with `ps`", error.Message);
        Assert.Equal(ExitCodes.TargetUnreadable, error.ExitCode);
    }

    [Fact]
    public void NonPythonProcessIsNamed()
    {
        using var target = TargetProcess.Start("sleep", ["30"], waitForLine: false);
        var exe = new FileInfo($"/proc/{target.Id}/exe").LinkTarget;

        var error = Assert.Throws<TargetException>(() => PythonProcessLocator.Locate(target.Id));

        Assert.IsNotType<TargetExitedException>(error);
        Assert.StartsWith($"process {target.Id} ({exe}) is not a CPython process: no _PyRuntime symbol", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void KernelThreadIsNotPython()
    {
        // PID 2 is kthreadd on a normal host; in a PID namespace it may be anything or nothing.
        if (!File.Exists("/proc/2/comm") || File.ReadAllText("/proc/2/comm").Trim() != "kthreadd")
        {
            Assert.Skip("no kthreadd at PID 2 in this PID namespace");
        }

        var error = Assert.Throws<TargetException>(() => PythonProcessLocator.Locate(2));

        Assert.Contains("is not a CPython process", error.Message);
    }

    [Theory]
    [InlineData("3.7", "3.7.")]
    [InlineData("3.6", "3.6")]
    [InlineData("2.7", "2.7")]
    public void OldPythonsAreNamedAsUnsupported(string prefix, string named)
    {
        var root = Environment.GetEnvironmentVariable("PYENV_ROOT") ?? "/root/.pyenv";
        var python = Directory.Exists(Path.Combine(root, "versions"))
            ? Directory.GetDirectories(Path.Combine(root, "versions"), prefix + ".*")
                .Select(d => Path.Combine(d, "bin", "python"))
                .FirstOrDefault(File.Exists)
            : null;
        if (python is null) Assert.Skip($"no pyenv CPython {prefix} on this machine");
        using var target = TargetProcess.Start(python, ["-c", "import time; print('ready'); import sys; sys.stdout.flush(); time.sleep(60)"], waitForLine: true);

        var error = Assert.Throws<TargetException>(() => PythonProcessLocator.Locate(target.Id));

        Assert.Contains($"runs CPython {named}", error.Message);
        Assert.EndsWith("Sonde supports CPython 3.8-3.13", error.Message);
    }
}
