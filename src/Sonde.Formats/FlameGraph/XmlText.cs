namespace Sonde.Formats.FlameGraph;

/// <summary>
/// Writes untrusted text (frame names, files, titles) into XML text or attribute values. The five markup
/// characters become entities, tab and line breaks become character references so attribute values keep them,
/// and what XML 1.0 cannot carry at all (other control characters, U+FFFE, U+FFFF, unpaired surrogates)
/// becomes U+FFFD.
/// </summary>
internal static class XmlText
{
    public static void Write(TextWriter writer, string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            var replacement = Replacement(c);
            if (replacement == null) continue;
            writer.Write(text.AsSpan(start, i - start));
            writer.Write(replacement);
            start = i + 1;
        }
        writer.Write(text.AsSpan(start));
    }

    /// <summary>The text to write instead of <paramref name="c"/>, or null to write it as it is.</summary>
    private static string? Replacement(char c) => c switch
    {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&apos;",
        '\t' => "&#9;",
        '\n' => "&#10;",
        '\r' => "&#13;",
        < ' ' or '\uFFFE' or '\uFFFF' => "\uFFFD",
        _ when char.IsSurrogate(c) => "\uFFFD",
        _ => null,
    };
}
