using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Web.Diff;

namespace Sonde.Web;

/// <summary>
/// The <c>sonde view</c> server: Kestrel serving the embedded page, the loaded profiles' views as JSON, and the
/// source files those profiles name. Nothing else is reachable; every other path is a 404.
/// </summary>
public sealed class ViewServer : IAsyncDisposable
{
    // The page loads only its own files, so injected markup could neither run script nor reach elsewhere.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private readonly WebApplication _app;
    private readonly SourceFiles _sources;
    private readonly Lock _publishLock = new();
    // Replaced whole by Publish, and read by request handlers without the lock.
    private volatile List<LoadedProfile> _profiles;
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;
    private bool _recording;

    private ViewServer(WebApplication app, List<LoadedProfile> profiles, SourceFiles sources, bool recording)
    {
        _recording = recording;
        _app = app;
        _profiles = profiles;
        _sources = sources;
    }

    /// <summary>True while a live recording goes on: the page then follows <c>/api/events</c>.</summary>
    private bool? Recording
    {
        get
        {
            lock (_publishLock) return _generation == 0 && !_recording ? null : _recording;
        }
    }

    /// <summary>The address the page is served at.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    public static async Task<ViewServer> StartAsync(ViewServerOptions options, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(options.Host, out var address))
            throw new UsageException($"--host {options.Host}: give an IP address such as 127.0.0.1 or 0.0.0.0");
        if (options.Port is < 0 or > 65535) throw new UsageException($"--port must be between 1 and 65535, not {options.Port}");

        var profiles = new List<LoadedProfile> { new("0", options.Profile.Name, options.Profile.Profile) };
        if (options.Baseline is { } baseline) profiles.Add(new LoadedProfile("1", baseline.Name, baseline.Profile));
        var sources = new SourceFiles(options.SourceDirectories ?? [Environment.CurrentDirectory]);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port);
        });
        var app = builder.Build();
        var loopbackOnly = IPAddress.IsLoopback(address);
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            // On loopback, a page from another site that rebinds its name to 127.0.0.1 must not read profiles.
            if (loopbackOnly && !IsLoopbackHost(context.Request.Host.Host))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            await next(context);
        });

        var server = new ViewServer(app, profiles, sources, options.Recording);
        server.MapRoutes();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new UsageException($"cannot listen on {options.Host}:{options.Port} ({e.Message.TrimEnd('.')}); choose another --port, or leave it out for a free one");
        }
        var bound = new Uri(app.Urls.First());
        var shownHost = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        server.Url = new UriBuilder("http", shownHost, bound.Port, "/").Uri;
        return server;
    }

    /// <summary>
    /// Builds the views a page asks for first (summary, every weight's tree, the table, the timeline) in the
    /// background, so that by the time someone opens the address they are cached; a request that arrives sooner
    /// waits for the build in progress rather than starting another.
    /// </summary>
    public Task PrepareViewsAsync() => Task.Run(async () =>
    {
        // The first request also builds the routes and their handlers, a few hundred milliseconds.
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            await client.GetByteArrayAsync(new Uri(Url, "api/profiles"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Only a warm-up: the page's own first request does the same work.
        }
        foreach (var p in _profiles)
        {
            p.View("summary", () => SummaryView.Build(p, _sources, Recording));
            for (var w = 0; w < p.Profile.WeightTypes.Count; w++)
            {
                var weight = w;
                p.View($"tree/{weight}/-1", () => TreeView.Build(p, weight, -1));
            }
        }
        var first = _profiles[0];
        first.View("table/0/-1", () => TableView.Build(first, 0, -1));
        first.Edges(0, -1);
        first.View("timeline/0", () => TimelineView.Build(first, 0, TimelineView.DefaultBins));
    });

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (Ctrl-C, SIGTERM).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private void MapRoutes()
    {
        var app = _app;
        app.MapGet("/", () => Asset("index.html"));
        app.MapGet("/assets/{name}", (string name) => Asset(name));
        app.MapGet("/api/profiles", () => Results.Bytes(JsonText.Write(json =>
        {
            json.WriteStartArray();
            foreach (var p in _profiles)
            {
                json.WriteStartObject();
                json.WriteString("id", p.Id);
                JsonText.String(json, "name", p.Name);
                json.WriteString("role", p.Id == "0" ? "profile" : "base");
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }), "application/json"));
        app.MapGet("/api/p/{id}/summary", (string id) => WithProfile(id, p => p.View("summary", () => SummaryView.Build(p, _sources, Recording))));
        app.MapGet("/api/p/{id}/tree", (string id, int? w, int? t) => WithProfile(id, p =>
        {
            var (weight, thread) = (p.WeightIndex(w), p.ThreadIndex(t));
            return p.View($"tree/{weight}/{thread}", () => TreeView.Build(p, weight, thread));
        }));
        app.MapGet("/api/p/{id}/table", (string id, int? w, int? t) => WithProfile(id, p =>
        {
            var (weight, thread) = (p.WeightIndex(w), p.ThreadIndex(t));
            return p.View($"table/{weight}/{thread}", () => TableView.Build(p, weight, thread));
        }));
        app.MapGet("/api/p/{id}/relations", (string id, int? w, int? t, int? fn) => WithProfile(id, p =>
        {
            var (weight, thread) = (p.WeightIndex(w), p.ThreadIndex(t));
            return fn is { } f && f >= 0 && f < p.Functions.Keys.Count ? RelationsView.Build(p.Edges(weight, thread), f) : null;
        }));
        app.MapGet("/api/p/{id}/timeline", (string id, int? w) => WithProfile(id, p =>
        {
            var weight = p.WeightIndex(w);
            return p.View($"timeline/{weight}", () => TimelineView.Build(p, weight, TimelineView.DefaultBins));
        }));
        app.MapGet("/api/p/{id}/memory", (string id) => WithProfile(id, p => p.Profile.Memory is null ? null : p.View("memory", () => MemoryView.Build(p)!)));
        app.MapGet("/api/p/{id}/lines", (string id, string? file, int? w) => WithProfile(id, p =>
        {
            var weight = p.WeightIndex(w);
            if (file is null || !_sources.ServedFilesOf(p).Contains(file, StringComparer.Ordinal)) return null;
            return p.View($"lines/{weight}/{file}", () => LinesView.Build(p, file, weight));
        }));
        app.MapGet("/api/diff", (int? w) =>
        {
            if (_profiles.Count < 2) return Results.NotFound();
            var current = _profiles[0];
            var weight = current.WeightIndex(w);
            return Results.Bytes(current.View($"diff/{weight}", () => ShareDiff.Build(current, _profiles[1], weight)), "application/json");
        });
        app.MapGet("/api/events", (HttpContext context) => StreamEventsAsync(context));
        app.MapGet("/api/source", async (string? file, HttpContext context) =>
        {
            var path = file is null ? null : _sources.Resolve(_profiles, file);
            if (path is null) return Results.NotFound();
            try
            {
                return Results.Bytes(await File.ReadAllBytesAsync(path, context.RequestAborted), "text/plain; charset=utf-8");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Results.NotFound();
            }
        });
    }

    /// <summary>
    /// Replaces the profile with a newer copy of a recording in progress (<paramref name="recording"/> true) or
    /// finished, and tells every open page through <c>/api/events</c>.
    /// </summary>
    public void Publish(Profile snapshot, bool recording)
    {
        lock (_publishLock)
        {
            var current = _profiles[0];
            var replaced = new List<LoadedProfile>(_profiles) { [0] = new LoadedProfile(current.Id, current.Name, snapshot) };
            _profiles = replaced;
            _recording = recording;
            _generation++;
            var published = _published;
            _published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            published.SetResult();
        }
    }

    /// <summary>Server-Sent Events: one <c>update</c> event per published snapshot, with its generation.</summary>
    private async Task StreamEventsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        var stopping = context.RequestAborted;
        long sent = -1;
        while (!stopping.IsCancellationRequested)
        {
            Task next;
            long generation;
            bool recording;
            int samples;
            lock (_publishLock)
            {
                next = _published.Task;
                generation = _generation;
                recording = _recording;
                samples = _profiles[0].Profile.SampleCount;
            }
            if (generation != sent)
            {
                await context.Response.WriteAsync($"event: update\ndata: {{\"generation\":{generation},\"recording\":{(recording ? "true" : "false")},\"samples\":{samples}}}\n\n", stopping);
                await context.Response.Body.FlushAsync(stopping);
                sent = generation;
            }
            try
            {
                await next.WaitAsync(TimeSpan.FromSeconds(15), stopping);
            }
            catch (TimeoutException)
            {
                // A comment now and then keeps proxies and the browser from closing an idle stream.
                await context.Response.WriteAsync(": idle\n\n", stopping);
                await context.Response.Body.FlushAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private IResult WithProfile(string id, Func<LoadedProfile, byte[]?> view)
    {
        var profile = _profiles.Find(p => p.Id == id);
        var json = profile is null ? null : view(profile);
        return json is null ? Results.NotFound() : Results.Bytes(json, "application/json");
    }

    private static IResult Asset(string name) =>
        Assets.TryGet(name, out var content, out var contentType) ? Results.Bytes(content, contentType) : Results.NotFound();

    private static bool IsLoopbackHost(string host) =>
        host is "127.0.0.1" or "localhost" or "[::1]" or "::1";
}
