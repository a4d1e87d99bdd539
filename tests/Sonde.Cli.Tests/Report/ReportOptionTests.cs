using System.Text.Json;

namespace Sonde.Cli.Tests.Report;

/// <summary>The options that pick and order rows, checked through --json on the hand-built sampled profile.</summary>
public sealed class ReportOptionTests
{
    private static List<JsonElement> Functions(params string[] options) =>
        JsonDocument.Parse(ReportGoldenTests.Render(ReportProfiles.Sampled(), ["--json", .. options])).RootElement
            .GetProperty("functions").EnumerateArray().ToList();

    [Fact]
    public void Sort_by_name_and_by_file()
    {
        var byName = Functions("--sort", "name", "--limit", "0").Select(f => f.GetProperty("function").GetString()!).ToList();
        var byFile = Functions("--sort", "file", "--limit", "0").Select(f => (f.GetProperty("file").GetString()!, f.GetProperty("line").GetInt32())).ToList();

        Assert.Equal(10, byName.Count);
        Assert.Equal(byName.OrderBy(n => n, StringComparer.Ordinal), byName);
        Assert.Equal(byFile.OrderBy(f => f.Item1, StringComparer.Ordinal).ThenBy(f => f.Item2), byFile);
    }

    [Fact]
    public void Sort_by_own_and_total_put_the_largest_first()
    {
        var own = Functions("--sort", "own", "--limit", "0").Select(f => f.GetProperty("own").GetInt64()).ToList();
        var total = Functions("--sort", "total", "--limit", "3").Select(f => f.GetProperty("total").GetInt64()).ToList();

        Assert.Equal(own.OrderByDescending(v => v), own);
        Assert.Equal([850_000_000L, 550_000_000L, 400_000_000L], total);
    }

    [Fact]
    public void Filter_limit_strip_dirs_and_thread()
    {
        var json = Functions("--filter", "json/", "--limit", "2");
        var stripped = Functions("--strip-dirs", "--limit", "0");
        var worker = JsonDocument.Parse(ReportGoldenTests.Render(ReportProfiles.Sampled(), "--json", "--thread", "200")).RootElement;

        Assert.Equal(2, json.Count);
        Assert.All(json, f => Assert.Contains("/json/", f.GetProperty("file").GetString()));
        Assert.All(stripped, f => Assert.DoesNotContain('/', f.GetProperty("file").GetString()!));
        Assert.Equal(150_000_000, worker.GetProperty("total").GetInt64());
        Assert.Equal("background", Assert.Single(worker.GetProperty("functions").EnumerateArray()).GetProperty("function").GetString());
    }
}
