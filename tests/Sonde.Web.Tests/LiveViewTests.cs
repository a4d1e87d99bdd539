using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sonde.Formats;
using Sonde.Testing;
using Sonde.Web.Tests.Support;

namespace Sonde.Web.Tests;

/// <summary>
/// <c>sonde record --serve</c> against a real Python program: the page follows the recording as it grows, says
/// when it ended, and the server keeps serving the finished profile (the same samples as the file) until Ctrl-C.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class LiveViewTests(BrowserFixture browser)
{
    [Fact]
    public async Task ThePageFollowsARecordingAndKeepsTheFinishedProfile()
    {
        var python = PythonInstalls.Require(PythonInstalls.DebianLabel);
        using var temp = new TempDirectory();
        var output = temp.File("live.sonde");
        var info = new ProcessStartInfo(WithSigintDefault.FileName) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = temp.Path };
        WithSigintDefault.AddPrefix(info);
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sonde.dll"), "record", "--serve", "-o", output, "--", python.Path!, Repository.Fixture("hostile_names.py"), "15" })
            info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(info)!;
        try
        {
            _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = new StringBuilder();
            var url = await AddressAsync(process, stderr);
            var page = await browser.NewPageAsync();
            await page.OpenAsync(url);
            Assert.Equal("recording", await page.EvaluateAsync<string>("() => document.body.dataset.live"));

            // Two updates with more samples each time: the page is following, not showing the first copy.
            await page.WaitForFunctionAsync("() => Number(document.body.dataset.samples) > 0", null, new() { Timeout = 60_000 });
            var first = int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.samples"), CultureInfo.InvariantCulture);
            await page.WaitForFunctionAsync($"() => Number(document.body.dataset.samples) > {first}", null, new() { Timeout = 60_000 });
            Assert.True(PngPixels.DistinctColours(await page.ShotAsync("#flame-canvas")) > 10, "the live flame graph drew nothing");

            // A zoom survives the updates that follow: the page finds the same path of functions in the new tree.
            var (x, y) = await page.PointAsync("#flame-canvas", 0.5, 9);
            await page.Mouse.ClickAsync(x, y);
            var zoomed = await page.EvaluateAsync<string>("() => document.body.dataset.zoom");
            Assert.False(string.IsNullOrEmpty(zoomed), "clicking the top frame did not zoom");
            var before = await page.EvaluateAsync<string>("() => document.body.dataset.samples");
            await page.WaitForFunctionAsync($"() => Number(document.body.dataset.samples) > {before} && document.body.dataset.state === 'ready'", null, new() { Timeout = 60_000 });
            Assert.Equal(zoomed, await page.EvaluateAsync<string>("() => document.body.dataset.zoom"));
            Assert.True(await page.EvaluateAsync<bool>("() => window.sonde.flame.zoomNode >= 0"), "the update reset the zoom");

            await page.WaitForFunctionAsync("() => document.body.dataset.live === 'ended'", null, new() { Timeout = 90_000 });
            var shown = int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.samples"), CultureInfo.InvariantCulture);
            Assert.Equal(FormatRegistry.ReadFile(output).SampleCount, shown);
            Assert.Contains("recording ended", await page.Locator("#meta").TextContentAsync());

            // Still serving after the recording: a fresh page loads the finished profile.
            var again = await browser.NewPageAsync();
            await again.OpenAsync(url);
            Assert.Equal("ended", await again.EvaluateAsync<string>("() => document.body.dataset.live"));

            Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "sonde did not stop on Ctrl-C");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static async Task<Uri> AddressAsync(Process process, StringBuilder stderr)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            stderr.AppendLine(line);
            var match = UrlPattern().Match(line);
            if (!match.Success) continue;
            _ = process.StandardError.ReadToEndAsync();
            return new Uri(match.Value);
        }
        throw new InvalidOperationException($"sonde record --serve printed no address: {stderr}");
    }

    [GeneratedRegex(@"http://\S+/")]
    private static partial Regex UrlPattern();
}
