namespace Sonde.Remote.Sampling;

public enum SamplerStopReason
{
    Cancelled,
    DurationElapsed,
    TargetExited,
}
