using System.Diagnostics;
using Sonde.Cli.Tests.Support;
using Sonde.Profiles;
using Sonde.Store;

namespace Sonde.Cli.Tests.History;

/// <summary>
/// `--store` on the verbs that read profiles (report, convert, view): a stored id is looked up in the store given,
/// which beats SONDE_STORE (set to another store for every sonde the tests start).
/// </summary>
public sealed class StoreOptionTests : IDisposable
{
    private const string Function = "only_in_the_given_store";
    private readonly TempDirectory _directory = new();
    private readonly string _store;

    public StoreOptionTests()
    {
        _store = _directory.File("team.db");
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        var stack = profile.InternStack([new Frame("main", "app.py", 1), new Frame(Function, "app.py", 10)]);
        for (var i = 0; i < 7; i++) profile.AddSample(stack, thread, i * 10_000_000L);
        profile.Metadata.StartTime = DateTimeOffset.UtcNow;
        ProfileStore.Open(StoreLocation.Resolve(_store)).Save(profile, "teamrun");
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Report_reads_a_stored_id_from_the_store_given()
    {
        var result = SondeCli.Run("report", "@teamrun", "--store", _store, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Function, result.StdOut, StringComparison.Ordinal);

        // Without --store the id is looked up in SONDE_STORE, which doesn't have it.
        var elsewhere = SondeCli.Run("report", "@teamrun");
        Assert.Equal(4, elsewhere.ExitCode);
    }

    [Fact]
    public void Convert_reads_a_stored_id_from_the_store_given()
    {
        var output = _directory.File("out.folded");
        var result = SondeCli.Run("convert", "@teamrun", "--store", _store, "-o", output);
        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(File.ReadAllLines(output));
        Assert.StartsWith("main (app.py:1);" + Function + " (app.py:10) 7", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task View_serves_a_stored_id_from_the_store_given()
    {
        using var view = Process.Start(SondeCli.StartInfo(["view", "@teamrun", "--store", _store], _directory.Path))!;
        try
        {
            var line = await view.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.True(line is not null && line.Contains(" at http://127.0.0.1:", StringComparison.Ordinal), line);
            var url = line![(line.IndexOf(" at ", StringComparison.Ordinal) + 4)..].Split(' ')[0].TrimEnd('/');
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var summary = await http.GetStringAsync($"{url}/api/p/0/summary", TestContext.Current.CancellationToken);
            Assert.Contains($"\"{Function}\"", summary, StringComparison.Ordinal);
        }
        finally
        {
            view.Kill(entireProcessTree: true);
            await view.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }
}
