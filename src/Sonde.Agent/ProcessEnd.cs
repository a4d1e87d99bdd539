namespace Sonde.Agent;

/// <summary>How a traced process ended, as its agent reported it.</summary>
public enum ProcessEnd
{
    /// <summary>The connection closed without a goodbye: killed (SIGKILL), crashed, or replaced by exec.</summary>
    Lost,

    /// <summary>Python exited normally, by returning, an uncaught exception or sys.exit.</summary>
    Exit,

    /// <summary>os._exit.</summary>
    OsExit,

    /// <summary>SIGTERM or SIGHUP.</summary>
    Signal,
}
