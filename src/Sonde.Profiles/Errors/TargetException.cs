namespace Sonde.Profiles.Errors;

/// <summary>The target process could not be read: missing, not Python, unsupported, or no permission (exit 3).</summary>
public class TargetException(string message, Exception? inner = null) : SondeException(message, ExitCodes.TargetUnreadable, inner);
