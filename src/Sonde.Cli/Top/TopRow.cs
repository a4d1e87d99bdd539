namespace Sonde.Cli.Top;

/// <summary>
/// One line of the table: a function (in one thread, with that thread's state, when per thread), labels escaped for
/// the terminal.
/// </summary>
internal sealed class TopRow(string? thread, string? state, string function)
{
    public string? Thread { get; } = thread;
    public string? State { get; } = state;
    public string Function { get; } = function;
    public long WindowOwn { get; set; }
    public long WindowTotal { get; set; }
    public long OwnNs { get; set; }
    public long TotalNs { get; set; }
}
