using Sonde.Formats.Pstats;
using Sonde.Testing;

namespace Sonde.Formats.Tests.Pstats;

/// <summary>Our marshal reader against what each real CPython's <c>marshal.dump</c> writes.</summary>
public sealed class MarshalReaderTests
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    private const string Script = """
        import marshal, sys
        shared = "a string shared by reference"
        key = ("/src/app.py", 12, "work")
        value = {
            key: (1, -1, 2**31 - 1, -2**31, 2**31, -2**31 - 1, 2**62, -2**63, 0),
            "floats": (0.0, -1.5, 1e-9, 1.2345678901234567e300),
            "strings": ("", "ascii", "x" * 300, "café ☕", "\U0001F600", shared, shared),
            "singletons": (None, True, False),
            "bytes": b"\x00\xff",
            "nested": [(key, key), {"inner": ()}],
            "big tuple": tuple(range(300)),
        }
        with open(sys.argv[1], "wb") as f:
            marshal.dump(value, f)
        """;

    [Theory, MemberData(nameof(Pythons))]
    public void Reads_what_python_writes(string label)
    {
        var python = PythonInstalls.Require(label);
        var path = Path.Combine(Path.GetTempPath(), $"sonde-marshal-{Guid.NewGuid():N}.bin");
        try
        {
            PythonRunner.Run(python.Path!, "-c", Script, path);
            var data = File.ReadAllBytes(path);

            var root = Assert.IsType<MarshalDict>(new MarshalReader(data, data.Length).Read());

            var items = root.Items.ToDictionary(i => i.Key is object?[] ? "key" : (string)i.Key!, i => i.Value);
            Assert.Equal(new object?[] { 1L, -1L, (long)int.MaxValue, (long)int.MinValue, 1L << 31, -(1L << 31) - 1, 1L << 62, long.MinValue, 0L }, (object?[])items["key"]!);
            Assert.Equal(new object?[] { 0.0, -1.5, 1e-9, 1.2345678901234567e300 }, (object?[])items["floats"]!);
            Assert.Equal(new object?[] { "", "ascii", new string('x', 300), "café ☕", "\U0001F600", "a string shared by reference", "a string shared by reference" },
                (object?[])items["strings"]!);
            Assert.Equal(new object?[] { null, true, false }, (object?[])items["singletons"]!);
            Assert.Equal(new byte[] { 0, 255 }, (byte[])items["bytes"]!);
            var nested = Assert.IsType<List<object?>>(items["nested"]);
            var pair = Assert.IsType<object?[]>(nested[0]);
            Assert.Equal(new object?[] { "/src/app.py", 12L, "work" }, (object?[])pair[0]!);
            Assert.Equal(new object?[] { "/src/app.py", 12L, "work" }, (object?[])pair[1]!);
            var inner = Assert.IsType<MarshalDict>(nested[1]);
            Assert.Equal("inner", Assert.Single(inner.Items).Key);
            Assert.Equal(Enumerable.Range(0, 300).Select(i => (object?)(long)i), (object?[])items["big tuple"]!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory, MemberData(nameof(Pythons))]
    public void Names_code_objects_of_each_python(string label)
    {
        var python = PythonInstalls.Require(label);
        var path = Path.Combine(Path.GetTempPath(), $"sonde-marshal-{Guid.NewGuid():N}.bin");
        const string script = """
            import marshal, sys
            source = "def outer():\n    def inner():\n        return 1\n    return inner\n"
            code = compile(source, "/src/mod.py", "exec")
            with open(sys.argv[1], "wb") as f:
                marshal.dump(("profile", 0, code, code), f)
            """;
        try
        {
            PythonRunner.Run(python.Path!, "-c", script, path);
            var data = File.ReadAllBytes(path);

            var tuple = Assert.IsType<object?[]>(new MarshalReader(data, data.Length).Read());

            Assert.Equal(new MarshalCode("<module>", "/src/mod.py", 1), tuple[2]);
            Assert.Same(tuple[2], tuple[3]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'(', 0xff, 0xff, 0xff, 0x7f }, "more than")]
    [InlineData(new byte[] { (byte)'u', 0x00, 0x00, 0x00, 0x40, 0x41 }, "more than")]
    [InlineData(new byte[] { (byte)'r', 0x00, 0x00, 0x00, 0x00 }, "reference")]
    [InlineData(new byte[] { (byte)'l', 0x06, 0x00, 0x00, 0x00 }, "too large")]
    [InlineData(new byte[] { (byte)'l', 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 }, "unnormalized")]
    [InlineData(new byte[] { (byte)'r', 0xff, 0xff, 0xff, 0xff }, "reference")]
    [InlineData(new byte[] { 0x01 }, "unknown type code")]
    [InlineData(new byte[] { (byte)')', 0x01, (byte)'0' }, "NULL")]
    public void Refuses_bad_data_with_a_reason(byte[] data, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => new MarshalReader(data, data.Length).Read());

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Refuses_nesting_deeper_than_the_cap()
    {
        var data = Enumerable.Repeat(new byte[] { (byte)')', 1 }, MarshalReader.MaxDepth + 1).SelectMany(b => b).Append((byte)'N').ToArray();

        var error = Assert.Throws<InvalidDataException>(() => new MarshalReader(data, data.Length).Read());

        Assert.Contains("nested", error.Message);
    }

    [Fact]
    public void A_truncated_value_is_the_end_of_the_stream()
    {
        byte[] data = [(byte)'i', 1, 2];

        Assert.Throws<EndOfStreamException>(() => new MarshalReader(data, data.Length).Read());
    }
}
