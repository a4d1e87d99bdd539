using System.Text;
using System.Text.Json;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Speedscope;

/// <summary>
/// Reads speedscope's JSON file format. Each profile becomes a thread (named by its <c>thread NAME (TID)</c> name
/// when it has one). Sampled profiles keep their samples and weights; evented profiles become samples too: the
/// stack open between two events is one sample weighted by the time between them.
/// </summary>
public sealed class SpeedscopeReader : IProfileReader
{
    private const int MaxDepth = 64;

    public string FormatName => "speedscope";

    /// <summary>A JSON object that names speedscope's schema near its start, as speedscope's exporters write it.</summary>
    public bool Recognizes(ReadOnlySpan<byte> head)
    {
        var text = head.TrimStart("\uFEFF"u8).TrimStart(" \t\r\n"u8);
        return text.StartsWith("{"u8) && text.IndexOf("speedscope.app/file-format-schema.json"u8) >= 0;
    }

    public Profile Read(Stream input, string displayName)
    {
        try
        {
            using var document = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return new SpeedscopeDecoder(document.RootElement).Decode();
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or OverflowException or FormatException or DecoderFallbackException)
        {
            throw new BadInputException($"'{OneLine(displayName)}' is not a valid speedscope file: {OneLine(e.Message)}", e);
        }
        catch (IOException e)
        {
            throw new BadInputException($"can't read '{OneLine(displayName)}': {e.Message}", e);
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
