using System.Text;
using Sonde.Cli.Console;

namespace Sonde.Cli.Diff;

/// <summary>
/// Makes untrusted text (function and file names) inert in Markdown: control characters become visible escapes,
/// HTML's &amp;, &lt; and &gt; become entities, and every other character Markdown gives meaning to (emphasis, links,
/// code, table pipes, headings) is backslash-escaped, so a name prints as itself and can't inject markup.
/// </summary>
internal static class MarkdownText
{
    private const string Punctuation = "\\`*_{}[]()#+-.!|~:\"'";

    public static string Escape(string text)
    {
        var visible = TerminalText.Escape(text);
        var builder = new StringBuilder(visible.Length + 16);
        foreach (var c in visible)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                default:
                    if (Punctuation.Contains(c)) builder.Append('\\');
                    builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }
}
