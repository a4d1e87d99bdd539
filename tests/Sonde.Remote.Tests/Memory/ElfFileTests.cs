using System.Diagnostics;
using Sonde.Remote.Memory;
using Sonde.Testing;

namespace Sonde.Remote.Tests.Memory;

public sealed class ElfFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sonde-elf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FindsSymbolsInTheLargeStaticDebianPython()
    {
        var python = PythonInstalls.Require(PythonInstalls.DebianLabel);
        var clock = Stopwatch.StartNew();
        using var elf = ElfFile.Open(python.Path!);

        Assert.Equal(ElfFileType.Executable, elf.FileType);
        Assert.True(elf.TryGetSymbol("_PyRuntime", out var runtime));
        Assert.True(elf.TryGetSymbol("Py_Version", out var version));
        Assert.False(elf.TryGetSymbol("_PyRuntim", out _));
        Assert.False(elf.TryGetSymbol("no_such_symbol_anywhere", out _));
        clock.Stop();

        Assert.Equal("_PyRuntime", runtime.Name);
        Assert.Equal(ElfSymbol.TypeObject, runtime.Type);
        Assert.True(runtime.Value > 0x400000 && runtime.Size > 0);
        Assert.Equal(8UL, version.Size);
        Assert.True(clock.ElapsedMilliseconds < 2000, $"took {clock.ElapsedMilliseconds} ms");

        // Non-PIE: loaded where it was linked whatever the mappings say.
        Assert.True(elf.TryGetLoadBias([], out var bias));
        Assert.Equal(0UL, bias);
    }

    [Fact]
    public void ReadsSectionsAndSegmentsOfASharedObject()
    {
        var python = PythonInstalls.Require("3.12");
        var library = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(python.Path)!, "..", "lib"), "libpython3.12.so.1.0").Single();
        using var elf = ElfFile.Open(library);

        Assert.Equal(ElfFileType.SharedObject, elf.FileType);
        Assert.True(elf.TryGetSection(".dynsym", out var dynsym));
        Assert.Equal(ElfSection.TypeDynamicSymbols, dynsym.Type);
        Assert.True(elf.TryGetSection(".bss", out var bss));
        Assert.False(bss.HasFileData);
        Assert.Contains(elf.ProgramHeaders, h => h.IsLoad && h.Offset == 0);
        Assert.True(elf.TryGetSymbol("_PyRuntime", out _));
        // Local (static) symbols are only in .symtab, which pyenv builds keep.
        if (elf.TryGetSection(".symtab", out _)) Assert.True(elf.TryGetSymbol("_PyRuntime", out _));

        MemoryRegion[] regions =
        [
            new(0x7f0000000000, 0x7f0000100000, "r--p", 0, 1, library),
            new(0x7f0000100000, 0x7f0000200000, "r-xp", 0x100000, 1, library),
        ];
        Assert.True(elf.TryGetLoadBias(regions, out var bias));
        Assert.Equal(0x7f0000000000UL, bias);
        Assert.False(elf.TryGetLoadBias(regions[1..], out _));
    }

    [Fact]
    public void LoadBiasOfARunningPieFindsItsHeader()
    {
        using var target = TargetProcess.Start("sleep", ["30"], waitForLine: false);
        var exe = new FileInfo($"/proc/{target.Id}/exe").LinkTarget!;
        using var elf = ElfFile.Open($"/proc/{target.Id}/exe");
        var regions = ProcMaps.Read(target.Id).Where(r => r.Path == exe).ToList();

        Assert.True(elf.TryGetLoadBias(regions, out var bias));
        var first = elf.ProgramHeaders.Where(h => h.IsLoad).MinBy(h => h.Offset);
        Span<byte> magic = stackalloc byte[4];
        Assert.True(new ProcessVmMemory(target.Id).TryRead(bias + first.VirtualAddress - first.Offset, magic));
        Assert.Equal("\u007fELF"u8.ToArray(), magic.ToArray());
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("magic-only")]
    [InlineData("32-bit")]
    [InlineData("big-endian")]
    [InlineData("header-only")]
    [InlineData("half")]
    public void BadFilesThrowElfFormatException(string kind)
    {
        var real = File.ReadAllBytes("/proc/self/exe");
        byte[] bytes = kind switch
        {
            "empty" => [],
            "text" => "#!/bin/sh\necho not an elf file, just a script\n"u8.ToArray(),
            "magic-only" => [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0],
            "32-bit" => With(real[..64], 4, 1),
            "big-endian" => With(real[..64], 5, 2),
            "header-only" => real[..64],
            "half" => real[..(real.Length / 2)],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var path = Write(kind, bytes);

        var error = Assert.Throws<ElfFormatException>(() =>
        {
            using var elf = ElfFile.Open(path);
            elf.TryGetSymbol("main", out _);
        });
        Assert.Contains(path, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void CorruptedHeadersNeverCrash()
    {
        var real = File.ReadAllBytes("/usr/bin/sleep");
        using (var elf = ElfFile.Open("/usr/bin/sleep")) Assert.NotEmpty(elf.Sections);
        var shoff = (int)BitConverter.ToUInt64(real, 40);
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])real.Clone();
            for (var j = 0; j < 4; j++)
            {
                // Hit the file header, the program headers and the section headers, where the offsets live.
                var at = (j % 3) switch
                {
                    0 => random.Next(16, 64),
                    1 => random.Next(64, 64 + 56 * 4),
                    _ => random.Next(shoff, real.Length),
                };
                bytes[at] = (byte)random.Next(256);
            }
            var path = Write("fuzz", bytes);
            try
            {
                using var elf = ElfFile.Open(path);
                elf.TryGetSymbol("main", out _);
                elf.TryGetSymbol("getenv", out _);
                elf.TryGetSection(".text", out _);
                elf.TryGetLoadBias([new MemoryRegion(0x1000, 0x2000, "r--p", 0, 1, path)], out _);
            }
            catch (ElfFormatException)
            {
                // The clean failure we want; anything else fails the test.
            }
        }
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] With(byte[] bytes, int index, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }
}
