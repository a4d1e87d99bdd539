using Sonde.Remote.CPython;

namespace Sonde.Remote.Tests.CPython;

public sealed class PythonVersionTests
{
    [Theory]
    [InlineData(0x030C01F0UL, "3.12.1")]
    [InlineData(0x030D00C1UL, "3.13.0rc1")]
    [InlineData(0x030800A2UL, "3.8.0a2")]
    [InlineData(0x020712F0UL, "2.7.18")]
    public void DecodesPyVersionHex(ulong hex, string expected)
    {
        Assert.True(PythonVersion.TryFromHex(hex, out var version));
        Assert.Equal(expected, version.ToString());
        Assert.Equal(hex, version.Hex);
        Assert.True(PythonVersion.TryParse(expected, out var parsed));
        Assert.Equal(version, parsed);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(0x030C0100UL)]
    [InlineData(0xdeadbeefcafeUL)]
    public void RejectsValuesNoReleaseHas(ulong hex) => Assert.False(PythonVersion.TryFromHex(hex, out _));

    [Fact]
    public void SupportsThreeEightToThreeThirteen()
    {
        Assert.False(new PythonVersion(3, 7, 16).IsSupported);
        Assert.True(new PythonVersion(3, 8, 0).IsSupported);
        Assert.True(new PythonVersion(3, 13, 0).IsSupported);
        Assert.False(new PythonVersion(3, 14, 0).IsSupported);
        Assert.True(PythonVersion.TryParse("3.11.2+", out var debian));
        Assert.Equal(new PythonVersion(3, 11, 2), debian);
    }
}
