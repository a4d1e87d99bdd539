namespace Sonde.Profiles.Diff;

/// <summary>One value <c>sonde check</c> gated on; <see cref="Function"/> is null for the whole run.</summary>
public sealed record CheckItem(FunctionKey? Function, CheckedValue Value, Change Change, CheckVerdict Verdict);
