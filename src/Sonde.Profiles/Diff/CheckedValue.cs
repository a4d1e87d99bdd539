namespace Sonde.Profiles.Diff;

/// <summary>What a check gated on: a function's own or total value, or the whole run.</summary>
public enum CheckedValue
{
    Own,
    Total,
    Run,
}
