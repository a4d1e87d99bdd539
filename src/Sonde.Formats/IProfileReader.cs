using Sonde.Profiles;

namespace Sonde.Formats;

/// <summary>
/// Reads one file format into the profile model. Readers never trust sizes or counts a file declares: they cap
/// them and throw <see cref="Sonde.Profiles.Errors.BadInputException"/> naming the file and what is wrong.
/// </summary>
public interface IProfileReader
{
    string FormatName { get; }

    /// <summary>True when the file's first bytes (up to 4 KiB, fewer for a short file) look like this format.</summary>
    bool Recognizes(ReadOnlySpan<byte> head);

    /// <param name="input">The file's contents, positioned at the start.</param>
    /// <param name="displayName">The name to use in error messages, usually the path.</param>
    Profile Read(Stream input, string displayName);
}
