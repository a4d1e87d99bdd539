using System.Text;

namespace Sonde.Formats.Dot;

/// <summary>
/// Quoted strings for dot. Inside quotes dot only unescapes <c>\"</c>, but label attributes then read
/// backslash escapes of their own (<c>\n</c>, <c>\l</c>, <c>\N</c>...), so every backslash of a name is
/// doubled, and Graphviz reads HTML character entities (<c>&amp;lt;</c>, <c>&amp;#65;</c>) in any label, so
/// every <c>&amp;</c> is written as <c>&amp;amp;</c>: a name shows as it is and can neither end the string
/// nor start an escape.
/// </summary>
internal static class DotText
{
    /// <summary>The lines quoted as one label, joined by dot's centred line break <c>\n</c>.</summary>
    public static string Label(params string[] lines)
    {
        var text = new StringBuilder("\"");
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0) text.Append("\\n");
            foreach (var c in lines[i])
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '&': text.Append("&amp;"); break;
                    // A name's own line breaks would not be escapes but raw breaks; one label line per name.
                    default: text.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c); break;
                }
            }
        }
        return text.Append('"').ToString();
    }
}
