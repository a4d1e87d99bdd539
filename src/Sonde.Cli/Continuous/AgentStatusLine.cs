using System.Globalization;
using Sonde.Cli.Console;

namespace Sonde.Cli.Continuous;

/// <summary>
/// The agent's messages and, on a TTY, its live line (targets, windows, sent, spooled, samples) redrawn twice a
/// second. Messages come from several threads, so they clear the live line first and share its lock.
/// </summary>
internal sealed class AgentStatusLine : IDisposable
{
    private readonly Terminal _terminal;
    private readonly Func<string> _status;
    private readonly Timer? _timer;
    private readonly Lock _lock = new();
    private bool _drawn, _closed;

    public AgentStatusLine(Terminal terminal, Func<string> status)
    {
        _terminal = terminal;
        _status = status;
        if (terminal.ErrorIsTty) _timer = new Timer(_ => Draw(), null, 500, 500);
    }

    /// <summary>Prints one line (already escaped) on stderr, above the live line.</summary>
    public void Say(string message)
    {
        lock (_lock)
        {
            Clear();
            _terminal.Error.WriteLine($"sonde: {message}");
            _terminal.Error.Flush();
        }
    }

    private void Draw()
    {
        lock (_lock)
        {
            if (_closed) return;
            _terminal.Error.Write("\r\u001b[K" + _terminal.Dim(string.Create(CultureInfo.InvariantCulture, $"sonde: agent  {_status()}  (Ctrl-C to stop)"), forError: true));
            _terminal.Error.Flush();
            _drawn = true;
        }
    }

    private void Clear()
    {
        if (_drawn) _terminal.Error.Write("\r\u001b[K");
        _drawn = false;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_lock)
        {
            _closed = true;
            Clear();
        }
    }
}
