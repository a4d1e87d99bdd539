using Microsoft.Playwright;
using Sonde.Web.Tests.Support;

namespace Sonde.Web.Tests;

/// <summary>
/// The page in headless Chromium against a real <c>sonde view</c>, on a profile whose numbers are known
/// (<see cref="ShapedProfile"/>): loading, zooming, tooltips, search, every view, and the diff.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ViewerTests(BrowserFixture browser)
{
    private const int FlameRow = 18;
    private const int Highlight = 0xd946ef;

    [Fact]
    public async Task FlameGraphZoomsToAClickedFrameAndItsTooltipGivesTheFoldedWeights()
    {
        using var temp = new TempDirectory();
        using var view = ViewProcess.Start(temp.Path, ShapedProfile.Write(temp.Path));
        var page = await browser.NewPageAsync();
        await page.OpenAsync(view.Url);

        var before = await page.ShotAsync("#flame-canvas");
        Assert.True(PngPixels.DistinctColours(before) > 10, "the flame graph drew nothing");

        // Three rows, root at the bottom; children heaviest first: render takes the left 60%, parse the rest.
        var (x, y) = await page.PointAsync("#flame-canvas", 0.8, FlameRow + FlameRow / 2);
        await page.Mouse.ClickAsync(x, y);
        Assert.Equal("parse", await page.EvaluateAsync<string>("() => document.body.dataset.zoom"));
        Assert.Equal("main › parse", await page.Locator("#flame-path").TextContentAsync());

        // Zoomed to parse (400), tokenize (300) fills the left three quarters of the top row.
        var tooltip = await page.TooltipAtAsync("#flame-canvas", 0.3, FlameRow / 2);
        Assert.Contains("tokenize", tooltip);
        Assert.Contains($"total {ShapedProfile.Tokenize} (30.0%)", tooltip);
        Assert.Contains($"own {ShapedProfile.Tokenize} (30.0%)", tooltip);
        Assert.Contains($"{ShapedProfile.Tokenize} samples", tooltip);
        Assert.NotEqual(before, await page.ShotAsync("#flame-canvas"));

        await page.ClickAsync("#flame-reset");
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.body.dataset.zoom"));
    }

    [Fact]
    public async Task SearchHighlightsMatchingFramesAndReportsTheirShare()
    {
        using var temp = new TempDirectory();
        using var view = ViewProcess.Start(temp.Path, ShapedProfile.Write(temp.Path));
        var page = await browser.NewPageAsync();
        await page.OpenAsync(view.Url);
        Assert.Equal(0, PngPixels.CountOf(await page.ShotAsync("#flame-canvas"), Highlight));

        await page.FillAsync("#search", "tokeni");
        Assert.Equal($"{ShapedProfile.Tokenize}", await page.EvaluateAsync<string>("() => document.body.dataset.matched"));
        Assert.Equal("matched 30.0%", await page.Locator("#search-result").TextContentAsync());
        var highlighted = PngPixels.CountOf(await page.ShotAsync("#flame-canvas"), Highlight);
        var width = (await page.Locator("#flame-canvas").BoundingBoxAsync())!.Width;
        // One bar, 30% of the width and one row high (less its gaps and label).
        Assert.InRange(highlighted, width * 0.3 * (FlameRow - 1) * 0.5, width * 0.3 * FlameRow);

        // A regular expression matching two functions covers both, nested matches counted once.
        await page.FillAsync("#search", "/^(parse|tokenize)$/");
        Assert.Equal($"{ShapedProfile.ParseOwn + ShapedProfile.Tokenize}", await page.EvaluateAsync<string>("() => document.body.dataset.matched"));
    }

    [Fact]
    public async Task EveryViewRendersTheProfile()
    {
        using var temp = new TempDirectory();
        using var view = ViewProcess.Start(temp.Path, ShapedProfile.Write(temp.Path));
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.OpenAsync(view.Url);

        await page.ShowAsync("icicle");
        Assert.True(PngPixels.DistinctColours(await page.ShotAsync("#flame-canvas")) > 10, "the icicle drew nothing");
        // In the icicle the root is on top: main's row first, then render | parse.
        Assert.Contains("main", await page.TooltipAtAsync("#flame-canvas", 0.5, FlameRow / 2));
        Assert.Contains("render", await page.TooltipAtAsync("#flame-canvas", 0.3, FlameRow + FlameRow / 2));

        await page.ShowAsync("sunburst");
        Assert.True(PngPixels.DistinctColours(await page.ShotAsync("#sunburst-canvas")) > 10, "the sunburst drew nothing");

        await page.ShowAsync("table");
        string[] Names(IReadOnlyList<string> cells) => cells.Select(c => c.Trim()).ToArray();
        Assert.Equal(["main", "render", "parse", "tokenize"], Names(await page.Locator("#functions tbody td.name").AllTextContentsAsync()));
        await page.ClickAsync("#functions th[data-key='name']");
        Assert.Equal(["main", "parse", "render", "tokenize"], Names(await page.Locator("#functions tbody td.name").AllTextContentsAsync()));
        await page.ClickAsync("#functions tbody tr:has(td.name:text-is('parse'))");
        await page.WaitReadyAsync();
        Assert.Equal(["main"], Names(await page.Locator("#callers td.name").AllTextContentsAsync()));
        Assert.Equal(["tokenize"], Names(await page.Locator("#callees td.name").AllTextContentsAsync()));
        var parseRow = await page.Locator("#functions tbody tr:has(td.name:text-is('parse')) td").AllTextContentsAsync();
        Assert.Equal($"{ShapedProfile.ParseOwn}", parseRow[2]);
        Assert.Equal("40.0%", parseRow[5]);
        await page.FillAsync("#table-filter", "toke");
        Assert.Equal(["tokenize"], Names(await page.Locator("#functions tbody td.name").AllTextContentsAsync()));

        await page.ShowAsync("tree");
        var rows = await page.Locator("#calltree .row .label").AllTextContentsAsync();
        Assert.Equal(["main", "render", "parse"], rows.Select(r => r.Split("  ")[0]).ToArray());
        await page.ClickAsync("#calltree .row:has(.label:text-matches('^parse'))");
        Assert.Contains(await page.Locator("#calltree .row .label").AllTextContentsAsync(), r => r.StartsWith("tokenize", StringComparison.Ordinal));

        await page.ShowAsync("source");
        Assert.Equal("def tokenize(text):", await page.Locator($"#source [data-line='{ShapedProfile.TokenizeLine}'] code").TextContentAsync());
        Assert.Equal("30.0%", await page.Locator($"#source [data-line='{ShapedProfile.TokenizeLine}'] .total").TextContentAsync());
        Assert.Equal("", await page.Locator("#source [data-line='5'] .total").TextContentAsync());

        await page.ShowAsync("timeline");
        Assert.Contains("no timestamps", await page.Locator("#timeline-note").TextContentAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task DiffViewColoursWhatGrewAndWhatShrank()
    {
        using var temp = new TempDirectory();
        var current = ShapedProfile.Write(temp.Path);
        var baseline = ShapedProfile.Write(temp.Path, "base.folded", render: 800, parseOwn: 100, tokenize: 100);
        using var view = ViewProcess.Start(temp.Path, current, "--base", baseline);
        var page = await browser.NewPageAsync();
        await page.OpenAsync(view.Url);
        await page.ShowAsync("diff");

        var shot = await page.ShotAsync("#diff-canvas");
        var pixels = PngPixels.Decode(shot).ToArray();
        bool Reddish(int p) => (p >> 16) - (p & 0xff) > 40;
        bool Bluish(int p) => (p & 0xff) - (p >> 16) > 40;
        Assert.Contains(pixels, Reddish);
        Assert.Contains(pixels, Bluish);

        async Task<IReadOnlyList<string>> Row(string name) =>
            await page.Locator($"#diff-rows tbody tr:has(td.name:text-is('{name}')) td").AllTextContentsAsync();
        // Tokenize went from 10% to 30% of the whole, render from 80% to 60%; main stayed at 100%.
        Assert.Equal(["10.00", "30.00", "+20.00"], (await Row("tokenize")).Skip(2));
        Assert.Equal(["80.00", "60.00", "-20.00"], (await Row("render")).Skip(2));
        Assert.Equal(["100.00", "100.00", "+0.00"], (await Row("main")).Skip(2));
        Assert.Equal("grew", await page.Locator("#diff-rows tbody tr:has(td.name:text-is('tokenize')) td:last-child").GetAttributeAsync("class"));

        // The diff is an icicle of both profiles, each frame as wide as its two shares together (the whole is 2):
        // render 0.6 + 0.8, then parse 0.4 + 0.2, so tokenize (0.3 + 0.1) spans 70-90% of the third row.
        var tooltip = await page.TooltipAtAsync("#diff-canvas", 0.8, 2 * FlameRow + FlameRow / 2);
        Assert.Contains("tokenize", tooltip);
        Assert.Contains("now 30.0%, base 10.0%", tooltip);
    }

    [Fact]
    public async Task DiffViewDrawsAFunctionThatOnlyTheBaseHas()
    {
        using var temp = new TempDirectory();
        var baseline = ShapedProfile.Write(temp.Path, "base.folded");
        // The new profile lost tokenize altogether: main → render (600), main → parse (100 own).
        var current = temp.File("new.folded");
        File.WriteAllLines(current, File.ReadAllLines(ShapedProfile.Write(temp.Path, "all.folded")).Where(l => !l.Contains("tokenize", StringComparison.Ordinal)));
        using var view = ViewProcess.Start(temp.Path, current, "--base", baseline);
        var page = await browser.NewPageAsync();
        await page.OpenAsync(view.Url);
        await page.ShowAsync("diff");

        // Widths are both shares together (the whole is 2): render 6/7 + 0.6, parse 1/7 + 0.4, and under parse
        // tokenize 0 + 0.3, which spans about 73-88% of the third row.
        var tooltip = await page.TooltipAtAsync("#diff-canvas", 0.8, 2 * FlameRow + FlameRow / 2);
        Assert.Contains("tokenize", tooltip);
        Assert.Contains("now 0%, base 30.0%", tooltip);
        var shot = await page.ShotAsync("#diff-canvas");
        var width = PngPixels.Width(shot);
        var pixel = PngPixels.Decode(shot).ElementAt((2 * FlameRow + 4) * width + (int)(0.8 * width));
        Assert.True((pixel & 0xff) - (pixel >> 16) > 40, $"tokenize, which disappeared, is drawn {pixel:x6}, not blue");
        Assert.Equal(["30.00", "0.00", "-30.00"], (await page.Locator("#diff-rows tbody tr:has(td.name:text-is('tokenize')) td").AllTextContentsAsync()).Skip(2));
    }
}
