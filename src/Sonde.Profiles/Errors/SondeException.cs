namespace Sonde.Profiles.Errors;

/// <summary>
/// An error the user can act on. The message is one line that says what went wrong and what to do next;
/// the CLI prints it without a stack trace and exits with <see cref="ExitCode"/>.
/// </summary>
public class SondeException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
