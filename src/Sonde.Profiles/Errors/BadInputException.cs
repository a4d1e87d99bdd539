namespace Sonde.Profiles.Errors;

/// <summary>A profile file that is truncated, corrupt or of an unknown format (exit 4).</summary>
public sealed class BadInputException(string message, Exception? inner = null) : SondeException(message, ExitCodes.BadInput, inner);
