using Sonde.Cli.Console;
using Sonde.Cli.Targets;
using Sonde.Profiles;
using Sonde.Remote.Sampling;
using Sonde.Web;
using Sonde.Web.Live;

namespace Sonde.Cli.Commands;

/// <summary>
/// `sonde record --serve`: the view server on a copy of the recording, refreshed every second while sampling goes
/// on (pages follow through Server-Sent Events), and serving the finished profile until Ctrl-C.
/// </summary>
internal sealed class LiveView : IDisposable
{
    private static readonly TimeSpan _interval = TimeSpan.FromSeconds(1);
    private readonly ViewServer _server;
    private readonly ProfileRecorder _recorder;
    private readonly Timer _timer;
    private readonly Lock _publishing = new();
    private bool _finished;

    private LiveView(ViewServer server, ProfileRecorder recorder)
    {
        _server = server;
        _recorder = recorder;
        _timer = new Timer(_ => Publish(recording: true), null, _interval, _interval);
    }

    public static LiveView Start(ProfileRecorder recorder, string name, Terminal terminal, CancellationToken cancellationToken)
    {
        var server = ViewServer.StartAsync(new ViewServerOptions((name, Snapshot(recorder)), Recording: true), cancellationToken).GetAwaiter().GetResult();
        terminal.Error.WriteLine($"sonde: live view at {server.Url}");
        return new LiveView(server, recorder);
    }

    /// <summary>Publishes the finished profile and serves it until Ctrl-C or SIGTERM.</summary>
    public void ServeUntilStopped(Terminal terminal)
    {
        _timer.Dispose();
        lock (_publishing) _finished = true;
        _server.Publish(Snapshot(_recorder), recording: false);
        terminal.Error.WriteLine($"sonde: recording ended; still serving at {_server.Url} (Ctrl-C to stop)");
        // The recording's own signal handling has fired (or never will): a fresh registration waits for the next.
        using var signals = new TerminationSignals();
        _server.WaitAsync(signals.Token).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _timer.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private void Publish(bool recording)
    {
        // The timer's callbacks may overlap a slow copy, and must not overwrite the finished profile.
        if (!_publishing.TryEnter()) return;
        try
        {
            if (!_finished) _server.Publish(Snapshot(_recorder), recording);
        }
        finally
        {
            _publishing.Exit();
        }
    }

    private static Profile Snapshot(ProfileRecorder recorder)
    {
        lock (recorder.Lock) return ProfileSnapshot.Copy(recorder.Profile);
    }
}
