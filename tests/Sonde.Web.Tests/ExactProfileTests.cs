using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sonde.Testing;
using Sonde.Web.Tests.Support;

namespace Sonde.Web.Tests;

/// <summary>
/// A cProfile file from a real run: the function table shows the exact call counts, and the callers pane the
/// calls per caller, as the fixture counted them itself.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ExactProfileTests(BrowserFixture browser)
{
    [Fact]
    public async Task TheTableShowsCallCountsTheProgramCountedItself()
    {
        var python = PythonInstalls.Require(PythonInstalls.DebianLabel);
        using var temp = new TempDirectory();
        var profile = temp.File("calls.prof");
        var truthPath = temp.File("truth.json");
        var info = new ProcessStartInfo(python.Path!) { WorkingDirectory = temp.Path, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-m", "cProfile", "-o", profile, Repository.Fixture("call_counts.py"), truthPath }) info.ArgumentList.Add(arg);
        using (var run = Process.Start(info)!)
        {
            _ = run.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(120)) && run.ExitCode == 0, "cProfile run failed");
        }
        using var truth = JsonDocument.Parse(File.ReadAllText(truthPath));
        var functions = truth.RootElement.GetProperty("functions").EnumerateObject().ToList();
        Assert.NotEmpty(functions);

        using var view = ViewProcess.Start(temp.Path, profile);
        var page = await browser.NewPageAsync();
        await page.OpenAsync(view.Url);
        await page.ShowAsync("table");
        Assert.Contains("Calls", await page.Locator("#functions thead").TextContentAsync());
        foreach (var function in functions)
        {
            var cells = await page.Locator($"#functions tbody tr:has(td.name:text-is('{function.Name}')) td").AllTextContentsAsync();
            Assert.True(cells.Count == 7, $"{function.Name}: {string.Join(" | ", cells)}");
            Assert.Equal(function.Value.GetProperty("calls").GetInt64().ToString("N0", CultureInfo.InvariantCulture), cells[6]);
        }

        // Calls per caller of fib, which main calls and which calls itself (other functions' calls pass through
        // generator expressions the fixture doesn't count).
        var intoFib = truth.RootElement.GetProperty("edges").EnumerateArray()
            .Select(e => (Caller: e[0].GetString()!, Callee: e[1].GetString()!, Calls: e[2].GetInt64()))
            .Where(e => e.Callee == "fib").ToList();
        Assert.Equal(2, intoFib.Count);
        await page.ClickAsync("#functions tbody tr:has(td.name:text-is('fib'))");
        await page.WaitReadyAsync();
        foreach (var edge in intoFib)
        {
            var cells = await page.Locator($"#callers tr:has(td.name:text-is('{edge.Caller}')) td").AllTextContentsAsync();
            Assert.Equal($"{edge.Calls.ToString("N0", CultureInfo.InvariantCulture)} calls", cells[^1]);
        }
    }
}
