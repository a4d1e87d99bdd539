using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sonde.Web.Tests.Support;

namespace Sonde.Web.Tests;

/// <summary>The real server over real HTTP on 127.0.0.1: what it serves, and everything it must refuse.</summary>
public sealed class ServingTests
{
    private static readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServesTheProfilesMergedTreeWithTheFoldedWeights()
    {
        using var temp = new TempDirectory();
        using var view = ViewProcess.Start(temp.Path, ShapedProfile.Write(temp.Path));
        Assert.Equal("127.0.0.1", view.Url.Host);

        using var summary = JsonDocument.Parse(await _http.GetStringAsync(new Uri(view.Url, "api/p/0/summary"), Ct));
        var names = summary.RootElement.GetProperty("functions").GetProperty("name").EnumerateArray().Select(e => e.GetString()).ToList();
        using var tree = JsonDocument.Parse(await _http.GetStringAsync(new Uri(view.Url, "api/p/0/tree"), Ct));
        var root = tree.RootElement;
        Assert.Equal(ShapedProfile.Total, root.GetProperty("total").GetInt64());
        var fn = root.GetProperty("fn").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var totals = root.GetProperty("totals").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var own = root.GetProperty("own").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long TotalOf(string name) => totals[Array.FindIndex(fn, f => names[f] == name)];
        Assert.Equal(ShapedProfile.Total, TotalOf("main"));
        Assert.Equal(ShapedProfile.ParseOwn + ShapedProfile.Tokenize, TotalOf("parse"));
        Assert.Equal(ShapedProfile.ParseOwn, own[Array.FindIndex(fn, f => names[f] == "parse")]);
        Assert.Equal(ShapedProfile.Render, TotalOf("render"));
        Assert.Equal(0, view.Stop());
    }

    [Fact]
    public async Task RefusesEveryPathButTheProfilesSourcesIncludingTraversalAndSymlinks()
    {
        using var temp = new TempDirectory();
        var secret = temp.File("secret.txt");
        File.WriteAllText(secret, "do not serve");
        var outside = Path.Combine(Path.GetTempPath(), "sonde-view-outside-" + Guid.NewGuid().ToString("N")[..8] + ".py");
        File.WriteAllText(outside, "SECRET = 1\n");
        try
        {
            // A symlink the profile names, pointing at a file that is not source, and one it doesn't name.
            var namedLink = temp.File("named_link.py");
            File.CreateSymbolicLink(namedLink, secret);
            File.CreateSymbolicLink(temp.File("unnamed_link.py"), outside);
            var profile = ShapedProfile.Write(temp.Path);
            File.AppendAllText(profile, $"linked ({namedLink}:1) 5\n");
            using var view = ViewProcess.Start(temp.Path, profile);

            var app = temp.File("app.py");
            var served = await _http.GetAsync(new Uri(view.Url, "api/source?file=" + Uri.EscapeDataString(app)), Ct);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Contains("def tokenize(text):", await served.Content.ReadAsStringAsync(Ct));

            string[] refused =
            [
                "api/source?file=" + Uri.EscapeDataString("/etc/passwd"),
                "api/source?file=" + Uri.EscapeDataString(secret),
                "api/source?file=" + Uri.EscapeDataString(outside),
                "api/source?file=" + Uri.EscapeDataString(namedLink),
                "api/source?file=" + Uri.EscapeDataString(temp.File("unnamed_link.py")),
                "api/source?file=" + Uri.EscapeDataString(temp.Path + "/../" + Path.GetFileName(temp.Path) + "/app.py"),
                "api/source?file=..%2f..%2f..%2fetc%2fpasswd",
                "api/source?file=app.py%00.txt",
                "api/source",
                "assets/..%2f..%2fSonde.Web.dll",
                "assets/%2e%2e%2fsonde.dll",
                "..%2f..%2f..%2fetc%2fpasswd",
                "%2fetc%2fpasswd",
                "etc/passwd",
                "api/p/0/lines?file=" + Uri.EscapeDataString("/etc/passwd"),
                "api/p/7/summary",
                "api/p/0/relations?fn=99999",
                "api/p/0/relations",
                "api/diff",
            ];
            foreach (var path in refused)
            {
                using var response = await _http.GetAsync(view.Url + path, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
                Assert.DoesNotContain("do not serve", await response.Content.ReadAsStringAsync(Ct));
            }

            using var summary = JsonDocument.Parse(await _http.GetStringAsync(new Uri(view.Url, "api/p/0/summary"), Ct));
            var sources = summary.RootElement.GetProperty("sources").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal([app], sources);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task RefusesRequestsForAnotherHostNameAndSendsAStrictContentPolicy()
    {
        using var temp = new TempDirectory();
        using var view = ViewProcess.Start(temp.Path, ShapedProfile.Write(temp.Path));
        // A page that rebinds its own name to 127.0.0.1 still sends its name in Host.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri(view.Url, "api/p/0/summary"));
        rebound.Headers.Host = "attacker.example";
        using var refused = await _http.SendAsync(rebound, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var page = await _http.GetAsync(view.Url, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
    }

    [Fact]
    public void AnExplicitHostIsWarnedAbout()
    {
        using var temp = new TempDirectory();
        using var view = ViewProcess.Start(temp.Path, ShapedProfile.Write(temp.Path), "--host", "0.0.0.0");
        Assert.Equal(0, view.Stop());
        Assert.Contains("warning: listening on 0.0.0.0", view.StdErr);
    }

    [Fact]
    public void APortInUseIsAUsageErrorOnOneLine()
    {
        using var temp = new TempDirectory();
        var profile = ShapedProfile.Write(temp.Path);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = SondeRun(temp.Path, "view", profile, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.Contains("--port", line);
    }

    [Fact]
    public void AMissingProfileIsABadInputError()
    {
        using var temp = new TempDirectory();
        var result = SondeRun(temp.Path, "view", temp.File("missing.sonde"));
        Assert.Equal(4, result.ExitCode);
        Assert.Single(result.StdErr.Trim().Split('\n'));
    }

    private static (int ExitCode, string StdErr) SondeRun(string directory, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = directory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sonde.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return (process.ExitCode, stderr.Result);
    }
}
