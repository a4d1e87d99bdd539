using System.Net.Http.Headers;

namespace Sonde.Cli.Continuous;

/// <summary>
/// Sends the spool's windows to a Pyroscope-compatible <c>/ingest</c> endpoint, oldest first, on its own thread.
/// A network error, a timeout, a 5xx, 408 or 429 keeps the window and retries after a backoff that doubles from
/// 0.5 s up to 30 s; any other refusal (a 4xx: the endpoint will never take it) drops that one window with a line,
/// so one bad window can't hold up the rest.
/// </summary>
internal sealed class IngestSender : IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Uri _endpoint;
    private readonly PushSpool _spool;
    private readonly Action<string> _say;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private DateTime _drainDeadline = DateTime.MaxValue;
    private long _sent, _refused;
    private bool _failing;

    public IngestSender(Uri endpoint, PushSpool spool, Action<string> say)
    {
        _endpoint = endpoint;
        _spool = spool;
        _say = say;
        _thread = new Thread(Loop) { IsBackground = true, Name = "sonde agent push" };
        _thread.Start();
    }

    public long Sent => Interlocked.Read(ref _sent);
    public long Refused => Interlocked.Read(ref _refused);
    public bool Failing => Volatile.Read(ref _failing);

    /// <summary>A new window is in the spool.</summary>
    public void Notify() => _wake.Release();

    /// <summary>Sends what is spooled for at most <paramref name="timeout"/>, then stops; what is left stays spooled.</summary>
    public void Drain(TimeSpan timeout)
    {
        _drainDeadline = DateTime.UtcNow + timeout;
        _wake.Release();
        if (!_thread.Join(timeout + TimeSpan.FromSeconds(1))) _stop.Cancel();
        _thread.Join();
    }

    private bool Draining => _drainDeadline != DateTime.MaxValue;

    private void Loop()
    {
        var backoff = FirstBackoff;
        while (!_stop.IsCancellationRequested)
        {
            if (Draining && DateTime.UtcNow >= _drainDeadline) return;
            if (!_spool.TryReadOldest(out var sequence, out var query, out var body))
            {
                if (Draining) return;
                _wake.Wait(TimeSpan.FromSeconds(1));
                continue;
            }
            var outcome = Send(query, body, out var problem);
            if (outcome == Outcome.Retry)
            {
                if (!_failing) _say($"can't push to {_endpoint} ({problem}); keeping windows in the spool {_spool.Directory} and retrying");
                Volatile.Write(ref _failing, true);
                var wait = Draining ? Min(backoff, _drainDeadline - DateTime.UtcNow) : backoff;
                if (wait > TimeSpan.Zero) _stop.Token.WaitHandle.WaitOne(wait);
                backoff = Min(backoff * 2, MaxBackoff);
                continue;
            }
            if (_failing) _say($"pushing to {_endpoint} again");
            Volatile.Write(ref _failing, false);
            backoff = FirstBackoff;
            _spool.Remove(sequence);
            if (outcome == Outcome.Sent) Interlocked.Increment(ref _sent);
            else
            {
                Interlocked.Increment(ref _refused);
                _say($"{_endpoint} refused a window for good ({problem}); dropped it");
            }
        }
    }

    private Outcome Send(string query, byte[] body, out string problem)
    {
        var timeout = Draining ? Min(_drainDeadline - DateTime.UtcNow, _http.Timeout) : _http.Timeout;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint + "?" + query)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        try
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            cancel.CancelAfter(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1));
            using var response = _http.Send(request, cancel.Token);
            problem = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return Outcome.Sent;
            return status is >= 500 or 408 or 429 ? Outcome.Retry : Outcome.Refused;
        }
        catch (HttpRequestException e)
        {
            problem = e.Message.TrimEnd('.');
            return Outcome.Retry;
        }
        catch (OperationCanceledException)
        {
            problem = "timed out";
            return Outcome.Retry;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose()
    {
        _stop.Cancel();
        _wake.Release();
        _thread.Join();
        _http.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }

    private enum Outcome
    {
        Sent,
        Retry,
        Refused,
    }
}
