using Sonde.Cli.Tests.Support;

namespace Sonde.Cli.Tests.Report;

/// <summary>Every way a report can't be made gets one line that says what to do, and its documented exit code.</summary>
public sealed class ReportErrorTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static void AssertOneLineError(CommandResult result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var lines = result.StdErr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("sonde: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    private string ValidProf()
    {
        var path = _directory.File("good.prof");
        ReportProfiles.WritePstats(ReportProfiles.CallGraph(), path);
        return path;
    }

    [Fact]
    public void Truncated_pstats_file()
    {
        var good = File.ReadAllBytes(ValidProf());
        var path = _directory.File("truncated.prof");
        File.WriteAllBytes(path, good[..(good.Length / 2)]);

        AssertOneLineError(SondeCli.Run("report", path), 4, "truncated");
    }

    [Fact]
    public void Corrupt_pstats_file()
    {
        var data = File.ReadAllBytes(ValidProf());
        data[3] = (byte)'!';
        var path = _directory.File("corrupt.prof");
        File.WriteAllBytes(path, data);

        AssertOneLineError(SondeCli.Run("report", path), 4, "not a valid pstats file");
    }

    [Fact]
    public void Marshal_data_that_is_not_a_profile()
    {
        var path = _directory.File("list.prof");
        File.WriteAllBytes(path, [(byte)'[', 0, 0, 0, 0]);

        AssertOneLineError(SondeCli.Run("report", path), 4, "expected a dict of functions");
    }

    [Fact]
    public void Missing_file()
    {
        AssertOneLineError(SondeCli.Run("report", _directory.File("nope.prof")), 4, "can't open");
    }

    [Fact]
    public void File_of_no_known_format()
    {
        var path = _directory.File("notes.bin");
        File.WriteAllText(path, "hello");

        AssertOneLineError(SondeCli.Run("report", path), 4, "not a profile Sonde can read");
    }

    [Theory]
    [InlineData("unknown sort", "--sort", "speed")]
    [InlineData("no function matches", "--callers", "nothing_like_this")]
    [InlineData("not a valid regular expression", "--filter", "(")]
    [InlineData("no per-thread data", "--thread", "7")]
    [InlineData("no line numbers", "--lines")]
    [InlineData("--limit", "--limit", "-1")]
    [InlineData("--min-percent", "--tree", "--min-percent", "150")]
    public void Options_that_do_not_fit(string expected, params string[] options)
    {
        var prof = ValidProf();

        var result = SondeCli.Run(["report", prof, .. options]);

        var message = expected == "unknown sort" ? "choose own, total, calls, name or file" : expected;
        AssertOneLineError(result, 2, message);
    }
}
