using System.Diagnostics;
using System.Globalization;
using Sonde.Formats.Native;
using Sonde.Testing;

namespace Sonde.Formats.Tests.Native;

public sealed class Crc32Tests
{
    [Fact]
    public void Matches_the_standard_check_value()
    {
        // The check value every CRC-32/ISO-HDLC implementation publishes for "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Matches_zlib_on_random_data_of_every_small_length()
    {
        var python = PythonInstalls.All.FirstOrDefault(p => p.Path is not null) ?? throw new InvalidOperationException("no CPython found");
        var random = new Random(7);
        var inputs = Enumerable.Range(0, 40).Select(n => { var b = new byte[n * 37 % 1000]; random.NextBytes(b); return b; }).ToList();
        var script = "import sys, zlib\nfor line in sys.stdin: print(zlib.crc32(bytes.fromhex(line.strip())))";
        var info = new ProcessStartInfo(python.Path!, ["-c", script]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        foreach (var input in inputs) process.StandardInput.WriteLine(Convert.ToHexString(input));
        process.StandardInput.Close();
        var expected = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => uint.Parse(l, CultureInfo.InvariantCulture)).ToList();
        process.WaitForExit();

        Assert.Equal(expected, inputs.Select(i => Crc32.Compute(i)));
        // Appending in pieces gives the same as one pass.
        Assert.Equal(Crc32.Compute(inputs[39]), Crc32.Append(Crc32.Compute(inputs[39].AsSpan(0, 13)), inputs[39].AsSpan(13)));
    }
}
