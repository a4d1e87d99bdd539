using Microsoft.Playwright;

namespace Sonde.Web.Tests.Support;

/// <summary>
/// One headless Debian Chromium for every browser test, driven by Playwright. Playwright can't download its
/// own browsers here, so it is pointed at /usr/bin/chromium; without it the tests skip, visibly.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) return;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Tests run as root in CI containers, where Chromium's sandbox can't start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh page of a fixed size; skips the test when Chromium is missing.</summary>
    public async Task<IPage> NewPageAsync()
    {
        if (Browser is null) Assert.Skip($"Chromium is not installed at {ChromiumPath} (scripts/test.sh installs it)");
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 800 } });
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
