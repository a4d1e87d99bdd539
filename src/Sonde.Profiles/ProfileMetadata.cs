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

    /// <summary>Copies every field onto <paramref name="target"/>, for a profile derived from this one.</summary>
    public void CopyTo(ProfileMetadata target)
    {
        target.Mode = Mode;
        target.Command = Command;
        target.ProcessId = ProcessId;
        target.PythonVersion = PythonVersion;
        target.PythonPath = PythonPath;
        target.Host = Host;
        target.StartTime = StartTime;
        target.Duration = Duration;
        target.GitCommit = GitCommit;
        target.Sampler.Ticks = Sampler.Ticks;
        target.Sampler.Samples = Sampler.Samples;
        target.Sampler.Errors = Sampler.Errors;
        target.Sampler.Late = Sampler.Late;
        target.Sampler.CpuTimeNs = Sampler.CpuTimeNs;
        target.Sampler.ReadingCpuTimeNs = Sampler.ReadingCpuTimeNs;
        target.Sampler.RequestedRateHz = Sampler.RequestedRateHz;
        target.Sampler.AchievedRateHz = Sampler.AchievedRateHz;
        foreach (var (key, value) in Properties) target.Properties[key] = value;
    }
}
