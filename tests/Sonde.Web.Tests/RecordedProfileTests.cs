using Microsoft.Playwright;
using Sonde.Testing;
using Sonde.Web.Tests.Support;

namespace Sonde.Web.Tests;

/// <summary>
/// A real recording of a Python program whose code object is named <c>&lt;script&gt;alert("x")&lt;/script&gt;…</c>:
/// the page shows the name as text everywhere and runs nothing, and the timeline draws the recorded thread.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RecordedProfileTests(BrowserFixture browser)
{
    private const string Markup = "<script>alert(\"x\")</script>&'";

    [Fact]
    public async Task AHostileFunctionNameIsShownAsTextInEveryView()
    {
        var python = PythonInstalls.Require(PythonInstalls.DebianLabel);
        using var temp = new TempDirectory();
        var profile = temp.File("hostile.sonde");
        SondeRun.Run(temp.Path, "record", "-o", profile, "--", python.Path!, Repository.Fixture("hostile_names.py"), "1.5");
        using var view = ViewProcess.Start(temp.Path, profile);
        var page = await browser.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        await page.OpenAsync(view.Url);

        // The hostile function is the innermost frame, full width, in the top row of the two-row flame graph.
        var tooltip = await page.TooltipAtAsync("#flame-canvas", 0.5, 9);
        Assert.Contains(Markup, tooltip);

        await page.FillAsync("#search", "<script>");
        Assert.NotEqual("0", await page.EvaluateAsync<string>("() => document.body.dataset.matched"));

        await page.ShowAsync("table");
        var names = await page.Locator("#functions tbody td.name").AllTextContentsAsync();
        Assert.Contains(names, n => n.Contains(Markup, StringComparison.Ordinal));

        await page.ShowAsync("tree");
        await page.ClickAsync("#calltree .row");
        Assert.Contains(await page.Locator("#calltree .row .label").AllTextContentsAsync(), n => n.Contains(Markup, StringComparison.Ordinal));

        await page.ShowAsync("timeline");
        Assert.Contains("bins", await page.Locator("#timeline-note").TextContentAsync());
        Assert.True(PngPixels.DistinctColours(await page.ShotAsync("#timeline-canvas")) > 10, "the timeline drew nothing");

        // Only the page's own module script exists, and no alert ran.
        Assert.Equal(1, await page.EvaluateAsync<int>("() => document.querySelectorAll('script').length"));
        Assert.Equal(0, dialogs);
    }
}
