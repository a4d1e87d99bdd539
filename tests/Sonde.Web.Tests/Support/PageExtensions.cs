using Microsoft.Playwright;

namespace Sonde.Web.Tests.Support;

internal static class PageExtensions
{
    /// <summary>Opens the page and waits until the view in front has drawn.</summary>
    public static async Task OpenAsync(this IPage page, Uri url)
    {
        await page.GotoAsync(url.ToString());
        await page.WaitReadyAsync();
    }

    public static Task WaitReadyAsync(this IPage page) =>
        page.WaitForFunctionAsync("() => document.body.dataset.state === 'ready'", null, new PageWaitForFunctionOptions { Timeout = 60_000 });

    public static async Task ShowAsync(this IPage page, string view)
    {
        await page.ClickAsync($"#tabs button[data-view='{view}']");
        await page.WaitForFunctionAsync($"() => document.body.dataset.view === '{view}' && document.body.dataset.state === 'ready'", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
    }

    /// <summary>The point at a fraction of an element's width and a pixel offset from its top.</summary>
    public static async Task<(float X, float Y)> PointAsync(this IPage page, string selector, double widthFraction, double top)
    {
        var box = await page.Locator(selector).BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} is not visible");
        return ((float)(box.X + box.Width * widthFraction), (float)(box.Y + top));
    }

    public static async Task<string> TooltipAtAsync(this IPage page, string selector, double widthFraction, double top)
    {
        var (x, y) = await page.PointAsync(selector, widthFraction, top);
        await page.Mouse.MoveAsync(x, y);
        await page.WaitForSelectorAsync("#tooltip:not([hidden])", new PageWaitForSelectorOptions { Timeout = 10_000 });
        return await page.Locator("#tooltip").TextContentAsync() ?? "";
    }

    public static async Task<byte[]> ShotAsync(this IPage page, string selector) => await page.Locator(selector).ScreenshotAsync();
}
