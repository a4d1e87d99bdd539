namespace Sonde.Cli.Console;

/// <summary>What the attached terminal can do. Colour and live status lines only go to a real TTY without NO_COLOR.</summary>
public sealed class Terminal
{
    public Terminal(TextWriter output, TextWriter error, bool outputIsTty, bool errorIsTty)
    {
        Out = output;
        Error = error;
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            || Environment.GetEnvironmentVariable("TERM") == "dumb";
        OutputColor = outputIsTty && !noColor;
        ErrorColor = errorIsTty && !noColor;
        ErrorIsTty = errorIsTty;
        OutputIsTty = outputIsTty;
    }

    public static Terminal FromConsole() => new(
        System.Console.Out, System.Console.Error, !System.Console.IsOutputRedirected, !System.Console.IsErrorRedirected);

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public bool OutputColor { get; }
    public bool ErrorColor { get; }

    /// <summary>Live progress is drawn only where a person watches stderr.</summary>
    public bool ErrorIsTty { get; }

    /// <summary>Full-screen views (`top`) draw only where a person watches stdout.</summary>
    public bool OutputIsTty { get; }

    public string Bold(string text, bool forError = false) => Style(text, "1", forError);
    public string Dim(string text, bool forError = false) => Style(text, "2", forError);
    public string Red(string text, bool forError = false) => Style(text, "31", forError);
    public string Yellow(string text, bool forError = false) => Style(text, "33", forError);
    public string Green(string text, bool forError = false) => Style(text, "32", forError);

    private string Style(string text, string code, bool forError) =>
        (forError ? ErrorColor : OutputColor) ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
