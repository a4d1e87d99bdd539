using Sonde.Profiles;

namespace Sonde.Cli.Reports;

/// <summary>One row of a report, in the report's unit. Calls are 0 when the profile did not count them.</summary>
internal sealed record ReportFunction(FunctionKey Function, long Calls, long PrimitiveCalls, long Own, long Total);
