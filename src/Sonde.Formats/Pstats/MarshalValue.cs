namespace Sonde.Formats.Pstats;

/// <summary>The marshal values that have no .NET counterpart; only their kind matters to a reader of profiles.</summary>
internal sealed class MarshalValue(string kind)
{
    public static readonly MarshalValue StopIteration = new("StopIteration");
    public static readonly MarshalValue Ellipsis = new("Ellipsis");
    public static readonly MarshalValue Complex = new("complex");

    public string Kind { get; } = kind;

    public override string ToString() => Kind;
}
