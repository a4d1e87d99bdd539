using Sonde.Profiles.Errors;

namespace Sonde.Store;

/// <summary>
/// The history store can't be reached, is damaged, or has a schema newer than this Sonde (exit 4, as for any input
/// Sonde can't read). Nothing already stored is touched when this is thrown.
/// </summary>
public sealed class StoreException(string message, Exception? inner = null) : SondeException(message, ExitCodes.BadInput, inner);
