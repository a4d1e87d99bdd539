using Sonde.Cli.Tests.Support;

namespace Sonde.Cli.Tests.Diff;

/// <summary>Every refusal of `diff` and `check` is one line on stderr and a documented exit code.</summary>
public sealed class DiffErrorTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _timed;
    private readonly string _counted;
    private readonly string _empty;
    private readonly string _trace;

    public DiffErrorTests()
    {
        _timed = Write("timed.folded", "main;hot (app.py:3) 30\n");
        _counted = Write("counted.folded", "main;hot 30\nmain;cold 10\n");
        _empty = Write("empty.folded", "main;hot 0\n");
        // A cProfile-like exact profile, written by Sonde from a folded file.
        _trace = _temp.File("trace.prof");
        var convert = SondeCli.Run("convert", _counted, "-o", _trace);
        Assert.True(convert.ExitCode == 0, convert.ToString());
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Check_without_a_baseline_is_a_usage_error() =>
        AssertOneLine(SondeCli.Run("check", _counted), 2, "sonde: no baseline: give the profile to compare with");

    [Fact]
    public void A_baseline_that_does_not_exist_is_a_bad_file() =>
        AssertOneLine(SondeCli.Run("check", _counted, "--baseline", _temp.File("missing.sonde")), 4, "sonde: can't open");

    [Fact]
    public void Profiles_of_different_modes_are_a_usage_error() =>
        AssertOneLine(SondeCli.Run("diff", _counted, _trace), 2, "is a sampled CPU profile but NEW");

    [Fact]
    public void An_empty_profile_is_a_bad_file() =>
        AssertOneLine(SondeCli.Run("check", _counted, "--baseline", _empty), 4, "sonde: BASE '");

    [Fact]
    public void A_flame_graph_needs_an_svg_name() =>
        AssertOneLine(SondeCli.Run("diff", _counted, _counted, "-o", _temp.File("diff.json")), 2, "give a file name ending in .svg");

    [Fact]
    public void A_pattern_that_matches_nothing_is_a_usage_error() =>
        AssertOneLine(SondeCli.Run("check", _counted, "--baseline", _counted, "--function", "nowhere"), 2, "matches no function");

    [Fact]
    public void A_weight_that_one_profile_lacks_is_a_usage_error() =>
        AssertOneLine(SondeCli.Run("diff", _counted, _timed, "--weight", "cpu"), 2, "--weight cpu: '");

    private string Write(string name, string text)
    {
        var path = _temp.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertOneLine(CommandResult result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.Contains(expected, lines[0]);
        Assert.Equal("", result.StdOut);
    }
}
