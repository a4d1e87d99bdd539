using Sonde.Cli.Commands;
using Sonde.Cli.Console;
using Sonde.Cli.Tests.Support;
using Sonde.Profiles;

namespace Sonde.Cli.Tests.Report;

/// <summary>
/// The text views, byte for byte, against golden files: a cProfile-like file through the real CLI, and a sampled
/// profile (which no reader on this branch produces yet) through the same rendering code in process.
/// </summary>
public sealed class ReportGoldenTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("pstats-table.txt")]
    [InlineData("pstats-callers.txt", "--callers", "fib", "--callees", "main")]
    [InlineData("pstats-tree.txt", "--tree", "--min-percent", "0")]
    [InlineData("pstats-sorted.txt", "--sort", "total", "--limit", "3", "--strip-dirs")]
    public void Pstats_file(string golden, params string[] options)
    {
        ReportProfiles.WritePstats(ReportProfiles.CallGraph(), _directory.File("app.prof"));

        var info = SondeCli.StartInfo(["report", "app.prof", .. options], _directory.Path);
        using var process = System.Diagnostics.Process.Start(info)!;
        var result = SondeCli.Finish(process, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdErr);
        GoldenFile.AssertMatches(golden, result.StdOut);
    }

    [Theory]
    [InlineData("sampled-table.txt")]
    [InlineData("sampled-callers.txt", "--callers", "compute", "--callees", @"\(work\)")]
    [InlineData("sampled-tree.txt", "--tree")]
    [InlineData("sampled-tree-all.txt", "--tree", "--show-all")]
    [InlineData("sampled-lines.txt", "--lines", "--filter", "source/app")]
    [InlineData("sampled-thread.txt", "--thread", "200")]
    public void Sampled_profile(string golden, params string[] options)
    {
        var output = Render(ReportProfiles.Sampled(), options);

        GoldenFile.AssertMatches(golden, output.Replace(GoldenFile.Directory, "<golden>", StringComparison.Ordinal));
    }

    /// <summary>Parses the options as the CLI does and renders in process.</summary>
    internal static string Render(Profile profile, params string[] options)
    {
        var command = ReportCommand.Create(new Terminal(TextWriter.Null, TextWriter.Null, false, false));
        var parsed = command.Parse(["recording.sonde", .. options]);
        Assert.Empty(parsed.Errors);
        var output = new StringWriter();
        var terminal = new Terminal(output, output, false, false);
        var reportOptions = ReportCommand.Bind(parsed);
        ReportCommand.Render([profile], reportOptions, terminal);
        return output.ToString();
    }
}
