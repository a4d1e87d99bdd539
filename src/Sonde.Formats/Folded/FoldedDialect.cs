namespace Sonde.Formats.Folded;

/// <summary>The flavours of folded stacks the reader tells apart by the first sample line.</summary>
internal enum FoldedDialect
{
    /// <summary>flamegraph.pl, py-spy and Sonde: <c>frame;frame;... COUNT</c>.</summary>
    Plain,

    /// <summary>Austin 3 and later: <c>P&lt;pid&gt;;T&lt;tid&gt;;file:function:line;... METRIC[,IDLE,MEMORY]</c>.</summary>
    Austin,

    /// <summary>Austin 1 and 2: <c>[Process PID;]Thread HEX;function (file);L&lt;line&gt;;... METRIC [MEM+ MEM-]</c>.</summary>
    AustinLegacy,
}
