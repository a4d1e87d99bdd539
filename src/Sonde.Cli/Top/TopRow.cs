namespace Sonde.Cli.Top;

/// <summary>One line of the table: a function (in one thread when per thread), labels escaped for the terminal.</summary>
internal sealed class TopRow(string? thread, string function)
{
    public string? Thread { get; } = thread;
    public string Function { get; } = function;
    public long WindowOwn { get; set; }
    public long WindowTotal { get; set; }
    public long OwnNs { get; set; }
    public long TotalNs { get; set; }
}
