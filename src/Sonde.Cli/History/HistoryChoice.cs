namespace Sonde.Cli.History;

/// <summary>Whether and where a recording verb saves its profile in the history, and under which name.</summary>
internal sealed record HistoryChoice(bool Save, string? Store, string? Name)
{
    /// <summary>Saves to the store SONDE_STORE or the default names, without a name.</summary>
    public static HistoryChoice Default { get; } = new(true, null, null);

    public static HistoryChoice Off { get; } = new(false, null, null);
}
