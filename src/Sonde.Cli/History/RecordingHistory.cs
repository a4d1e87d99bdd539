using Sonde.Cli.Console;
using Sonde.Profiles;
using Sonde.Store;

namespace Sonde.Cli.History;

/// <summary>
/// Saves a finished recording in the history: the one call record, trace and mem make after writing their file.
/// A store that fails costs a warning, never the recording: the file is already written.
/// </summary>
internal static class RecordingHistory
{
    /// <returns>The stored recording's id, or null when saving was off or failed.</returns>
    public static long? Save(Terminal terminal, Profile profile, HistoryChoice choice)
    {
        if (!choice.Save) return null;
        try
        {
            var store = ProfileStore.Open(StoreLocation.Resolve(choice.Store));
            var id = store.Save(profile, choice.Name);
            var named = choice.Name is null ? "" : $" and @{TerminalText.Escape(choice.Name)}";
            terminal.Error.WriteLine(terminal.Dim($"sonde: saved in the history as @{id}{named} (sonde show @{id})", forError: true));
            return id;
        }
        catch (Sonde.Profiles.Errors.SondeException e)
        {
            terminal.Error.WriteLine(terminal.Yellow($"sonde: warning: not saved in the history: {e.Message.ReplaceLineEndings(" ")}", forError: true));
            return null;
        }
    }
}
