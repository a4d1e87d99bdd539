using System.Net;
using System.Text;
using Sonde.Profiles.Errors;

namespace Sonde.Metrics;

/// <summary>Serves <c>GET /metrics</c> in the Prometheus text format from a fresh snapshot per scrape.</summary>
public sealed class MetricsHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string> _exposition;
    private readonly Thread _thread;

    private MetricsHttpServer(ListenAddress address, Func<string> exposition)
    {
        _exposition = exposition;
        _listener.Prefixes.Add(address.Prefix);
        _thread = new Thread(Serve) { IsBackground = true, Name = "sonde metrics http" };
    }

    /// <exception cref="SondeException">The address is taken or can't be listened on (exit 2).</exception>
    public static MetricsHttpServer Start(ListenAddress address, Func<MetricsSnapshot> snapshot) =>
        Start(address, () => PrometheusExposition.Write(snapshot()));

    /// <summary>Serves whatever exposition text <paramref name="exposition"/> renders per scrape (e.g. the agent's runtime metrics).</summary>
    /// <exception cref="SondeException">The address is taken or can't be listened on (exit 2).</exception>
    public static MetricsHttpServer Start(ListenAddress address, Func<string> exposition)
    {
        var server = new MetricsHttpServer(address, exposition);
        try
        {
            server._listener.Start();
        }
        catch (HttpListenerException e)
        {
            server._listener.Close();
            var reason = e.ErrorCode is 98 or 48 || e.Message.Contains("in use", StringComparison.OrdinalIgnoreCase)
                ? "is already in use by another program"
                : $"can't be listened on ({e.Message.ReplaceLineEndings(" ")})";
            throw new UsageException($"{address} {reason}; choose another with --listen 127.0.0.1:PORT");
        }
        server._thread.Start();
        return server;
    }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = _listener.GetContext(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try
            {
                Respond(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The scraper hung up; the next scrape gets a fresh answer.
            }
        }
    }

    private void Respond(HttpListenerContext context)
    {
        using var response = context.Response;
        var path = context.Request.Url?.AbsolutePath ?? "/";
        if (context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            Send(response, 405, "text/plain; charset=utf-8", "only GET\n");
            return;
        }
        if (path == "/metrics")
        {
            string body;
            try { body = _exposition(); }
            catch (TargetException e)
            {
                Send(response, 503, "text/plain; charset=utf-8", e.Message + "\n");
                return;
            }
            Send(response, 200, PrometheusExposition.ContentType, body);
            return;
        }
        Send(response, path == "/" ? 200 : 404, "text/plain; charset=utf-8", "Sonde metrics: GET /metrics\n");
    }

    private static void Send(HttpListenerResponse response, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
    }

    public void Dispose()
    {
        if (_listener.IsListening) _listener.Stop();
        _listener.Close();
    }
}
