using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sonde.Web;

/// <summary>
/// Writes the views' JSON. Names from the profiled program are untrusted: the default encoder escapes markup
/// characters (&lt; &gt; &amp; ' "), and lone surrogates, which a hostile code object can carry, become U+FFFD.
/// </summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions _options = new() { Encoder = JavaScriptEncoder.Default };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, _options)) write(writer);
        return buffer.ToArray();
    }

    public static void String(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null) writer.WriteNull(name);
        else writer.WriteString(name, Clean(value));
    }

    public static void StringValue(Utf8JsonWriter writer, string value) => writer.WriteStringValue(Clean(value));

    public static void Numbers(Utf8JsonWriter writer, string name, ReadOnlySpan<long> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    public static void Numbers(Utf8JsonWriter writer, string name, ReadOnlySpan<int> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    private static string Clean(string text)
    {
        for (var i = 0; i < text.Length; i++)
            if (char.IsSurrogate(text[i])) return ReplaceLoneSurrogates(text);
        return text;
    }

    // Enumerating runes turns each unpaired surrogate into U+FFFD and keeps valid pairs.
    private static string ReplaceLoneSurrogates(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes()) builder.Append(rune.ToString());
        return builder.ToString();
    }
}
