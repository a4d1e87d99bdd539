using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sonde.Remote.CPython.LineTables;
using Sonde.Testing;

namespace Sonde.Remote.Tests.LineTables;

public sealed class LineNumbersTests
{
    private const string Script = "tests/fixtures/python/dump_line_tables.py";

    /// <summary>
    /// Every code unit of every code object in the corpus, against the line the interpreter itself gives
    /// (findlinestarts on 3.8-3.9, co_lines on 3.10+, and co_positions as a second opinion on 3.11+).
    /// </summary>
    // A local alias rather than MemberType = typeof(PythonInstalls): xunit.analyzers 1.26 crashes (AD0001,
    // "Sequence contains no elements") on a MemberData whose member lives in another assembly.
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    [Theory, MemberData(nameof(Pythons))]
    public void MatchesTheInterpreterAtEveryOffset(string label)
    {
        var py = PythonInstalls.Require(label);
        using var doc = JsonDocument.Parse(RunScript(py.Path!));
        var root = doc.RootElement;
        var version = root.GetProperty("version");
        Assert.Equal(3, version[0].GetInt32());
        Assert.Equal(py.Minor, version[1].GetInt32());

        var checks = 0;
        var codes = 0;
        var failures = new List<string>();
        var failureCount = 0;
        foreach (var code in root.GetProperty("codes").EnumerateArray())
        {
            codes++;
            var name = code.GetProperty("name").GetString();
            var firstLine = code.GetProperty("firstline").GetInt32();
            var table = Convert.FromHexString(code.GetProperty("table").GetString()!);
            var lines = code.GetProperty("lines");
            var units = lines.GetArrayLength();

            void Check(string source, int unit, JsonElement expectedElement)
            {
                // No line (None) maps to firstLine by our contract.
                var expected = expectedElement.ValueKind == JsonValueKind.Null ? firstLine : expectedElement.GetInt32();
                var actual = LineNumbers.ForInstruction(py.Minor, table, firstLine, unit * 2);
                checks++;
                if (actual == expected) return;
                failureCount++;
                if (failures.Count < 20)
                    failures.Add($"{name} (first line {firstLine}, table {Convert.ToHexString(table)}): " +
                                 $"byte offset {unit * 2}: {source} says {expected}, we say {actual}");
            }

            for (var unit = 0; unit < units; unit++) Check("lines", unit, lines[unit]);

            if (code.TryGetProperty("positions", out var positions))
            {
                Assert.Equal(units, positions.GetArrayLength());
                for (var unit = 0; unit < units; unit++) Check("co_positions", unit, positions[unit]);
            }

            // The per-unit lists must cover every instruction dis shows, or we would test less than we claim.
            foreach (var offset in code.GetProperty("instructions").EnumerateArray())
            {
                var o = offset.GetInt32();
                Assert.True(o % 2 == 0 && o / 2 < units, $"{name}: dis offset {o} is outside the {units} code units");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"CPython {label}: {checks} checks over {codes} code objects");
        Assert.True(failureCount == 0,
            $"{failureCount} of {checks} offsets disagree with CPython {label}; first ones:\n" + string.Join("\n", failures));
        Assert.True(checks > 10_000, $"only {checks} checks for CPython {label}: the corpus did not compile as expected");
    }

    [Fact]
    public void Lnotab_AppliesSignedLineIncrementsAfterEachAddressStep()
    {
        // 3.8: offsets 0-5 on line 200, 6-305 on 202 (the address step is split over two pairs), then a
        // backward jump of 130 lines split as -128 and -2.
        byte[] table = [6, 2, 255, 0, 45, 0x80, 0, unchecked((byte)(sbyte)-2)];
        Assert.Equal(200, LineNumbers.ForInstruction(8, table, 200, 0));
        Assert.Equal(200, LineNumbers.ForInstruction(8, table, 200, 4));
        Assert.Equal(202, LineNumbers.ForInstruction(8, table, 200, 6));
        Assert.Equal(202, LineNumbers.ForInstruction(9, table, 200, 300));
        Assert.Equal(72, LineNumbers.ForInstruction(9, table, 200, 306));
        // Past the table the last line holds, as in the interpreter; before 0 there is only the first line.
        Assert.Equal(72, LineNumbers.ForInstruction(9, table, 200, 10_000));
        Assert.Equal(200, LineNumbers.ForInstruction(9, table, 200, -2));
        // A malformed table that walks below line 0 gives the first line instead.
        Assert.Equal(10, LineNumbers.ForInstruction(9, table, 10, 306));
    }

    [Fact]
    public void LineTable310_NoLineRangesAndGapsGiveTheFirstLine()
    {
        // Ranges: [0,4) line 6, [4,8) no line, [8,8) +127 (empty), [8,12) +3 -> 136.
        byte[] table = [4, 1, 4, 0x80, 0, 127, 4, 3];
        Assert.Equal(6, LineNumbers.ForInstruction(10, table, 5, 2));
        Assert.Equal(5, LineNumbers.ForInstruction(10, table, 5, 4));
        Assert.Equal(5, LineNumbers.ForInstruction(10, table, 5, 6));
        Assert.Equal(136, LineNumbers.ForInstruction(10, table, 5, 8));
        Assert.Equal(5, LineNumbers.ForInstruction(10, table, 5, 12));
    }

    [Fact]
    public void LocationTable_DecodesEveryEntryKind()
    {
        byte[] table =
        [
            0x80 | (0 << 3) | 0, 0x00,                 // short form, 1 unit: line 20 (no delta)
            0x80 | (11 << 3) | 1, 4, 9,                // one-line form +1, 2 units: 21
            0x80 | (13 << 3) | 0, 0x41, 0x02,          // no columns, delta varint 0b10_000001 = 129 -> -64: -43
            0x80 | (15 << 3) | 2,                      // no location, 3 units
            0x80 | (14 << 3) | 0, 0x48, 0x01, 0, 1, 2, // long form, delta 0b1_001000 = 72 -> +36: -7
            0x80 | (12 << 3) | 0, 0, 0,                // one-line form +2: -5 -> negative lines are malformed
        ];
        Assert.Equal(20, LineNumbers.ForInstruction(11, table, 20, 0));
        Assert.Equal(21, LineNumbers.ForInstruction(12, table, 20, 2));
        Assert.Equal(21, LineNumbers.ForInstruction(13, table, 20, 4));
        Assert.Equal(20, LineNumbers.ForInstruction(13, table, 20, 6));  // 21 - 64 < 0: first line
        Assert.Equal(20, LineNumbers.ForInstruction(13, table, 20, 8));  // no location
        Assert.Equal(20, LineNumbers.ForInstruction(13, table, 20, 12)); // no location, last unit
        Assert.Equal(20, LineNumbers.ForInstruction(13, table, 20, 14)); // -7
        Assert.Equal(20, LineNumbers.ForInstruction(13, table, 20, 16));
        Assert.Equal(20, LineNumbers.ForInstruction(13, table, 20, 18)); // past the table
        // The same table from line 100 has every line positive.
        Assert.Equal(37, LineNumbers.ForInstruction(11, table, 100, 6));
        Assert.Equal(73, LineNumbers.ForInstruction(11, table, 100, 14));
        Assert.Equal(75, LineNumbers.ForInstruction(11, table, 100, 16));
    }

    [Fact]
    public void UnsupportedVersionIsACallerBug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LineNumbers.ForInstruction(7, [], 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LineNumbers.ForInstruction(14, [], 1, 0));
    }

    /// <summary>Random, truncated and adversarial tables never throw, never hang, and give a sane line.</summary>
    [Fact(Timeout = 60_000)]
    public async Task GarbageNeverThrowsOrHangs()
    {
        await Task.Run(() =>
        {
            var random = new Random(20240611);
            var buffer = new byte[4096];
            for (var round = 0; round < 200_000; round++)
            {
                var length = random.Next(0, round % 100 == 0 ? buffer.Length : 48);
                var table = buffer.AsSpan(0, length);
                random.NextBytes(table);
                var minor = random.Next(LineNumbers.MinMinor, LineNumbers.MaxMinor + 1);
                var firstLine = random.Next(0, 3) == 0 ? random.Next() : random.Next(1, 5000);
                var offset = random.Next(0, 4) switch
                {
                    0 => random.Next(),
                    1 => -random.Next(1, 1000),
                    _ => random.Next(0, 600),
                };
                var line = LineNumbers.ForInstruction(minor, table, firstLine, offset);
                Assert.True(line >= 0, $"3.{minor}: negative line {line} from {Convert.ToHexString(table)} at {offset}");
            }

            // Hand-made worst cases: endless varint continuations, all entry starts, all zero, all 0xFF.
            byte[][] adversarial =
            [
                [0x80 | (14 << 3), .. Enumerable.Repeat((byte)0x7F, 4000)],
                [0x80 | (13 << 3), .. Enumerable.Repeat((byte)0x40, 4000)],
                [.. Enumerable.Repeat((byte)0xFF, 4000)],
                [.. Enumerable.Repeat((byte)0x00, 4001)],
                [.. Enumerable.Repeat((byte)0x7F, 4000)],
                [.. Enumerable.Repeat((byte)0x81, 4000)],
            ];
            foreach (var table in adversarial)
            {
                for (var minor = LineNumbers.MinMinor; minor <= LineNumbers.MaxMinor; minor++)
                {
                    foreach (var offset in new[] { 0, 1, 2, 1000, int.MaxValue, int.MinValue, -1 })
                    {
                        foreach (var firstLine in new[] { 0, 1, int.MaxValue })
                        {
                            Assert.True(LineNumbers.ForInstruction(minor, table, firstLine, offset) >= 0);
                            // Every truncation of the table too, as a torn read would give.
                            if (offset == 1000 && firstLine == 1)
                            {
                                for (var cut = 0; cut < 64; cut++)
                                    Assert.True(LineNumbers.ForInstruction(minor, table.AsSpan(0, cut), firstLine, offset) >= 0);
                            }
                        }
                    }
                }
            }
        }, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void DoesNotAllocate()
    {
        byte[] lnotab = [6, 2, 255, 0, 45, 0x80];
        byte[] linetable310 = [4, 1, 4, 0x80, 0, 127, 4, 3];
        byte[] locations = [0x80, 0x00, 0x80 | (14 << 3) | 7, 0x48, 0x01, 0, 1, 0x80 | (15 << 3)];
        var sum = 0;
        for (var warm = 0; warm < 2; warm++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                sum += LineNumbers.ForInstruction(8, lnotab, 1, i % 400);
                sum += LineNumbers.ForInstruction(10, linetable310, 1, i % 16);
                sum += LineNumbers.ForInstruction(13, locations, 1, i % 24);
            }
            if (warm == 1) Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(sum > 0);
    }

    private static string RunScript(string python)
    {
        var script = Path.Combine(RepoRoot(), Script);
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        // Keep the interpreter from writing .pyc files or reading the user's site customisations.
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{python} {script} exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Script))) return dir.FullName;
        }
        throw new InvalidOperationException($"cannot find {Script} above {AppContext.BaseDirectory}");
    }
}
