using System.Collections.Concurrent;
using System.Text;
using Sonde.Cli.Console;

namespace Sonde.Cli.Top;

/// <summary>
/// The full-screen terminal: the alternate screen with the cursor hidden while `top` runs, a frame redrawn in one
/// write (each line cleared to its end, so a shorter frame or the target's own output leaves no debris), and the
/// keys read on a background thread. Disposing restores the screen the user had.
/// </summary>
internal sealed class TopScreen : IDisposable
{
    private const string EnterAlternateScreen = "\u001b[?1049h\u001b[?25l";
    private const string LeaveAlternateScreen = "\u001b[?25h\u001b[?1049l";
    private readonly TextWriter _output;
    private readonly BlockingCollection<char> _keys = new();
    private readonly bool _color;

    public TopScreen(Terminal terminal, bool readKeys)
    {
        _output = terminal.Out;
        _color = terminal.OutputColor;
        _output.Write(EnterAlternateScreen);
        _output.Flush();
        if (readKeys) new Thread(ReadKeys) { IsBackground = true, Name = "sonde top keys" }.Start();
    }

    public static (int Width, int Height) Size()
    {
        try { return (System.Console.WindowWidth, System.Console.WindowHeight); }
        catch (IOException) { return (80, 24); }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a key; null when none came.</summary>
    public char? NextKey(TimeSpan timeout, CancellationToken cancellation)
    {
        try { return _keys.TryTake(out var key, (int)Math.Max(0, timeout.TotalMilliseconds), cancellation) ? key : null; }
        catch (OperationCanceledException) { return null; }
    }

    public void Draw(IReadOnlyList<string> lines)
    {
        var frame = new StringBuilder("\u001b[H");
        for (var i = 0; i < lines.Count; i++)
        {
            // The table's column heads stand out in reverse video, when colour is allowed.
            var styled = _color && i == 4 ? $"\u001b[7m{lines[i]}\u001b[0m" : _color && i == 0 ? $"\u001b[1m{lines[i]}\u001b[0m" : lines[i];
            frame.Append(styled).Append("\u001b[K");
            if (i < lines.Count - 1) frame.Append("\r\n");
        }
        frame.Append("\u001b[J");
        _output.Write(frame.ToString());
        _output.Flush();
    }

    /// <summary>The only thing drawn when the terminal can't hold the view: one line saying what to do.</summary>
    public void DrawTooSmall(int width, int height) =>
        Draw([TopView.Fit($"sonde top: terminal too small ({width}x{height}); enlarge it to at least {TopView.MinWidth}x{TopView.MinHeight}, or press q to quit", width)]);

    private void ReadKeys()
    {
        try
        {
            while (true)
            {
                var key = System.Console.ReadKey(intercept: true);
                if (key.KeyChar != '\0') _keys.Add(key.KeyChar);
            }
        }
        catch (InvalidOperationException)
        {
            // stdin closed or not a terminal: top goes on without keys, Ctrl-C still stops it.
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        _output.Write(LeaveAlternateScreen);
        _output.Flush();
    }
}
