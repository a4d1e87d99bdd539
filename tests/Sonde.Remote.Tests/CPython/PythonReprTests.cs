using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sonde.Remote.CPython.Objects;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

/// <summary>Sonde's copies of Python's repr for floats, strs and bytes, against a real interpreter's repr of the same values.</summary>
public sealed class PythonReprTests
{
    [Fact]
    public void FloatsLookAsPythonPrintsThem()
    {
        var random = new Random(20240611);
        var values = new List<double>
        {
            0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 2.5, 3.25, 100.0, 1e15, 1e16, 1e17, 1e22, 1e-4, 1e-5, 0.0001234, 123456789.125,
            0.30000000000000004, 1.0 / 3, 2.0 / 3, 5e-324, double.Epsilon * 7, double.MaxValue, double.MinValue,
            9007199254740993.0, 12345678901234567.0, 1234567890123456.7, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        };
        // Random bit patterns cover every exponent; random decimals cover the short values programs really hold.
        for (var i = 0; i < 3000; i++) values.Add(BitConverter.Int64BitsToDouble(random.NextInt64()));
        for (var i = 0; i < 1000; i++) values.Add(Math.Round(random.NextDouble() * Math.Pow(10, random.Next(-8, 20)), random.Next(0, 6)));

        var bits = values.Select(BitConverter.DoubleToInt64Bits).ToList();
        var expected = RunPython("""
            import json, struct, sys
            bits = json.load(sys.stdin)
            print(json.dumps([repr(struct.unpack("<d", struct.pack("<q", b))[0]) for b in bits]))
            """, JsonSerializer.Serialize(bits));

        Assert.Equal(values.Count, expected.Count);
        var wrong = values.Zip(expected).Where(p => PythonRepr.Float(p.First) != p.Second)
            .Select(p => $"{p.Second} (bits {BitConverter.DoubleToInt64Bits(p.First):x}) shown as {PythonRepr.Float(p.First)}").Take(10).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void StrsLookAsPythonPrintsThem()
    {
        // Code points whose category is the same in every Unicode version Python 3.8+ and .NET use.
        int[] special =
        [
            0x00e9, 0x20ac, 0x7ebf, 0x0301, 0x00a0, 0x00ad, 0x2028, 0x2029, 0x200b, 0x200e, 0x202e, 0xfeff, 0x3000, 0x0378,
            0xe000, 0xd800, 0xdfff, 0x1f600, 0x10ffff, 0xf0000, 0x1d11e,
        ];
        var strings = new List<int[]>
        {
            Enumerable.Range(0, 0x300).ToArray(),
            special,
            "it's".Select(c => (int)c).ToArray(),
            "say \"hi\"".Select(c => (int)c).ToArray(),
            "both ' and \"".Select(c => (int)c).ToArray(),
            Array.Empty<int>(),
        };
        strings.AddRange(special.Select(c => new[] { 'a', c, '\'' }));
        var expected = RunPython("""
            import json, sys
            print(json.dumps([repr("".join(map(chr, s))) for s in json.load(sys.stdin)]))
            """, JsonSerializer.Serialize(strings));

        for (var i = 0; i < strings.Count; i++)
            Assert.Equal(expected[i], PythonRepr.Str(strings[i], strings[i].Length));
    }

    [Fact]
    public void BytesLookAsPythonPrintsThem()
    {
        var samples = new List<byte[]>
        {
            Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(),
            "it's"u8.ToArray(), "say \"hi\""u8.ToArray(), "both ' and \""u8.ToArray(), Array.Empty<byte>(),
        };
        var expected = RunPython("""
            import json, sys
            print(json.dumps([repr(bytes(b)) for b in json.load(sys.stdin)]))
            """, JsonSerializer.Serialize(samples.Select(b => b.Select(x => (int)x))));

        for (var i = 0; i < samples.Count; i++)
            Assert.Equal(expected[i], PythonRepr.Bytes(samples[i], samples[i].Length));
    }

    [Fact]
    public void ACutStrOrBytesEndsWithAnEllipsisAndItsLength()
    {
        Assert.Equal("'abc'… (1,000 chars)", PythonRepr.Str([.. "abc".Select(c => (int)c)], 1000));
        Assert.Equal("b'\\x00a'… (70,000 bytes)", PythonRepr.Bytes([0, (byte)'a'], 70000));
    }

    /// <summary>Runs a script under the newest installed CPython with <paramref name="input"/> on stdin and parses its JSON list of strings.</summary>
    private static List<string> RunPython(string script, string input)
    {
        var python = PythonInstalls.All.LastOrDefault(p => p.Path is not null && p.Label != PythonInstalls.DebianLabel)
            ?? PythonInstalls.All.FirstOrDefault(p => p.Path is not null);
        if (python is null) Assert.Skip("no CPython is installed to compare with");
        var start = new ProcessStartInfo(python.Path!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{python.Path} failed: {stderr.Result}");
        return JsonSerializer.Deserialize<List<string>>(stdout)!;
    }
}
