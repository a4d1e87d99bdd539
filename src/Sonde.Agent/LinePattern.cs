using Sonde.Profiles.Errors;

namespace Sonde.Agent;

/// <summary>
/// <c>MODULE:FUNC</c> from <c>--lines</c>: the functions whose lines are timed. Both halves are globs (<c>*</c>,
/// <c>?</c>, <c>[abc]</c>). FUNC matches a function's qualified name (<c>Class.method</c>) or its bare name. MODULE
/// matches the module's name; the script run as <c>__main__</c> also answers to the name it was started by
/// (<c>app</c> for <c>python app.py</c>, <c>pkg.tool</c> for <c>python -m pkg.tool</c>).
/// </summary>
public sealed record LinePattern(string Module, string Function)
{
    /// <exception cref="UsageException">The text is not <c>MODULE:FUNC</c>.</exception>
    public static LinePattern Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1 || text.IndexOf(':', colon + 1) >= 0 || text.Any(char.IsWhiteSpace) || text.Any(char.IsControl))
            throw new UsageException($"--lines takes MODULE:FUNC, such as app:main or 'mypkg.*:Parser.parse', not '{Sanitize(text)}'");
        return new LinePattern(text[..colon], text[(colon + 1)..]);
    }

    public override string ToString() => $"{Module}:{Function}";

    private static string Sanitize(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
