using Sonde.Profiles;

namespace Sonde.Cli.Reports;

/// <summary>Calls from one function to another, with the callee's numbers over those calls, in the report's unit.</summary>
internal sealed record ReportEdge(FunctionKey Caller, FunctionKey Callee, long Calls, long PrimitiveCalls, long Own, long Total);
