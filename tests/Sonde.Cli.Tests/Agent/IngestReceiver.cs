using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Sonde.Formats.Pprof;
using Sonde.Profiles;

namespace Sonde.Cli.Tests.Agent;

/// <summary>
/// A Pyroscope-style <c>/ingest</c> endpoint on 127.0.0.1 for the agent to push to. Every window it accepts is
/// decoded with Sonde's pprof reader; <see cref="Refuse"/> makes it answer 503 instead. It can be started after
/// the agent (the port is picked first), so the agent first finds nothing listening.
/// </summary>
internal sealed class IngestReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<PushedWindow> _windows = new();
    private int _refused;
    private Task? _loop;

    public IngestReceiver()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Answer 503 to every push while true.</summary>
    public bool Refuse { get; set; }

    public int RefusedCount => Volatile.Read(ref _refused);

    public IReadOnlyList<PushedWindow> Windows => [.. _windows];

    public IngestReceiver Start()
    {
        _listener.Start();
        _loop = Task.Run(Serve);
        return this;
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (Refuse)
            {
                Interlocked.Increment(ref _refused);
                context.Response.StatusCode = 503;
            }
            else
            {
                var query = context.Request.QueryString;
                var profile = new PprofReader().Read(new MemoryStream(body.ToArray()), "pushed.pb.gz");
                _windows.Enqueue(new PushedWindow(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType,
                    query["name"], query["format"], long.Parse(query["from"]!), long.Parse(query["until"]!), profile));
                context.Response.StatusCode = 200;
            }
            context.Response.Close();
        }
    }

    /// <summary>Waits until <paramref name="count"/> windows arrived, or fails after two minutes.</summary>
    public void WaitForWindows(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (_windows.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"only {_windows.Count} of {count} windows arrived");
            Thread.Sleep(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
        _loop?.Wait(TimeSpan.FromSeconds(5));
    }
}

/// <summary>One push as the receiver saw it: request line, query parameters and the decoded profile.</summary>
internal sealed record PushedWindow(string Method, string Path, string? ContentType, string? Name, string? Format, long From, long Until, Profile Profile)
{
    /// <summary>The share of samples whose stack has a frame of this function anywhere.</summary>
    public double ShareWith(string function)
    {
        var profile = Profile;
        if (profile.SampleCount == 0) return 0;
        var hits = 0;
        for (var i = 0; i < profile.SampleCount; i++)
        {
            for (var stack = profile.StackIdOf(i); stack != StackTable.Root; stack = profile.Stacks.ParentOf(stack))
            {
                if (profile.Frames[profile.Stacks.FrameOf(stack)].Function != function) continue;
                hits++;
                break;
            }
        }
        return (double)hits / profile.SampleCount;
    }
}
