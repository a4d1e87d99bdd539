using Sonde.Profiles;

namespace Sonde.Web;

/// <summary>What <see cref="ViewServer"/> serves and where it listens.</summary>
/// <param name="Profile">The profile to show, and the name (its file) the page shows for it.</param>
/// <param name="Baseline">The profile the diff view compares against, if any.</param>
/// <param name="Host">An IP address to listen on; loopback unless the user asked otherwise.</param>
/// <param name="Port">The TCP port, or 0 for a free one.</param>
/// <param name="SourceDirectories">Where relative source file names in the profiles are looked up.</param>
/// <param name="Recording">True when <see cref="Profile"/> is the first copy of a recording that goes on, to be
/// replaced through <see cref="ViewServer.Publish"/>.</param>
public sealed record ViewServerOptions(
    (string Name, Profile Profile) Profile,
    (string Name, Profile Profile)? Baseline = null,
    string Host = "127.0.0.1",
    int Port = 0,
    IReadOnlyList<string>? SourceDirectories = null,
    bool Recording = false);
