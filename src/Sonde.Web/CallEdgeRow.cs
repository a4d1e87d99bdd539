namespace Sonde.Web;

/// <summary>One caller → callee pair by function id: its total weight, and its calls when they were counted.</summary>
internal readonly record struct CallEdgeRow(int Caller, int Callee, long Total, long? Calls);
