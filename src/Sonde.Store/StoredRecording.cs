namespace Sonde.Store;

/// <summary>One recording's summary as the store indexes it; the profile itself is loaded on demand.</summary>
public sealed record StoredRecording(
    long Id,
    string? Name,
    DateTimeOffset SavedAt,
    DateTimeOffset StartedAt,
    string? Command,
    string Mode,
    double DurationSeconds,
    long Samples,
    string? GitCommit,
    string? TopFunction,
    double? TopShare,
    string? PythonVersion,
    string? Host,
    int? ProcessId,
    long ProfileBytes);
