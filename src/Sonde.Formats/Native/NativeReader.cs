using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Native;

/// <summary>
/// Reads <c>.sonde</c> files, including ones a killed recording left without their end block: every complete
/// block is read, a block cut short at the end is left out, and the profile's
/// <see cref="ProfileMetadata.Properties"/> say so under <see cref="RecoveredProperty"/>.
/// </summary>
public sealed class NativeReader : IProfileReader
{
    /// <summary>Set when the file was not closed properly; the value says what was missing.</summary>
    public const string RecoveredProperty = "recovered";

    public string FormatName => "sonde";

    public bool Recognizes(ReadOnlySpan<byte> head) => head.StartsWith(NativeFormat.Magic);

    public Profile Read(Stream input, string displayName)
    {
        try
        {
            return new NativeDecoder(input).Decode();
        }
        catch (InvalidDataException e)
        {
            throw new BadInputException($"'{OneLine(displayName)}' is not a valid sonde file: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new BadInputException($"can't read '{OneLine(displayName)}': {e.Message}", e);
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
