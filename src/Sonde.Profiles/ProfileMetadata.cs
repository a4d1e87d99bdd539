namespace Sonde.Profiles;

/// <summary>Where, when and how a profile was recorded.</summary>
public sealed class ProfileMetadata
{
    public ProfileMode Mode { get; set; } = ProfileMode.Sampling;
    public string? Command { get; set; }
    public int? ProcessId { get; set; }
    public string? PythonVersion { get; set; }
    public string? PythonPath { get; set; }
    public string? Host { get; set; }
    public DateTimeOffset StartTime { get; set; }
    public TimeSpan Duration { get; set; }
    public string? GitCommit { get; set; }
    public SamplerStatistics Sampler { get; } = new();

    /// <summary>Anything else a source wants to keep, such as the name of the file a profile was read from.</summary>
    public Dictionary<string, string> Properties { get; } = [];
}
