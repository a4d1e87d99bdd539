namespace Sonde.Profiles.Errors;

/// <summary>Options that don't fit together or don't parse (exit 2).</summary>
public sealed class UsageException(string message) : SondeException(message, ExitCodes.Usage);
