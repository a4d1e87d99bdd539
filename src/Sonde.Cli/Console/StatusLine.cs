using System.Globalization;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Console;

/// <summary>
/// The live line on stderr while recording: elapsed time, samples, rate and errors, redrawn four times a second.
/// Only drawn on a TTY, so logs and pipes stay clean.
/// </summary>
internal sealed class StatusLine : IDisposable
{
    private readonly Terminal _terminal;
    private readonly SamplerProgress _progress;
    private readonly Timer? _timer;
    private readonly object _lock = new();
    private bool _drawn;

    public StatusLine(Terminal terminal, SamplerProgress progress, bool enabled)
    {
        _terminal = terminal;
        _progress = progress;
        if (enabled && terminal.ErrorIsTty) _timer = new Timer(_ => Draw(), null, 250, 250);
    }

    private void Draw()
    {
        lock (_lock)
        {
            var elapsed = _progress.Elapsed.TotalSeconds;
            var rate = elapsed > 0 ? _progress.Ticks / elapsed : 0;
            var text = string.Create(CultureInfo.InvariantCulture,
                $"sonde: recording {elapsed,6:F1}s  {_progress.Samples,9:N0} samples  {rate,7:F1} Hz  {_progress.Errors:N0} errors  (Ctrl-C to stop)");
            _terminal.Error.Write("\r\u001b[K" + _terminal.Dim(text, forError: true));
            _terminal.Error.Flush();
            _drawn = true;
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_lock)
        {
            if (_drawn) _terminal.Error.Write("\r\u001b[K");
            _drawn = false;
        }
    }
}
