using Sonde.Profiles;

namespace Sonde.Cli.Continuous;

/// <summary>One window of continuous profiling: its profile, and the wall-clock span it covers.</summary>
internal sealed record ProfileWindow(Profile Profile, DateTimeOffset From, DateTimeOffset Until);
