using System.Globalization;
using Sonde.Profiles.Errors;

namespace Sonde.Store;

/// <summary>
/// A stored recording named on the command line: <c>@last</c>, <c>@last~N</c> (N before the last), <c>@ID</c>,
/// or <c>@NAME</c> (the newest recording saved with <c>--name NAME</c>).
/// </summary>
public sealed record ProfileReference(string Text, long? Id, string? Name, int Back)
{
    public static bool LooksLikeReference(string text) => text.Length > 1 && text[0] == '@';

    public static ProfileReference Parse(string text)
    {
        if (!LooksLikeReference(text))
            throw new UsageException($"'{Clean(text)}' is not a stored recording; write @last, @ID or @NAME");
        var body = text[1..];
        if (body == "last") return new ProfileReference(text, null, null, 0);
        if (body.StartsWith("last~", StringComparison.Ordinal))
        {
            if (int.TryParse(body[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var back))
                return new ProfileReference(text, null, null, back);
            throw new UsageException($"'{Clean(text)}': after @last~ comes how many recordings back, e.g. @last~1");
        }
        if (long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return new ProfileReference(text, id, null, 0);
        ValidateName(body);
        return new ProfileReference(text, null, body, 0);
    }

    /// <summary>A name given with <c>--name</c> must be something <c>@NAME</c> can find again.</summary>
    public static void ValidateName(string name)
    {
        if (name.Length is 0 or > 200 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '@' or '~')
            || name == "last" || name.All(char.IsAsciiDigit))
            throw new UsageException($"'{Clean(name)}' can't name a recording: use up to 200 characters without spaces, '@' or '~', not 'last' and not only digits");
    }

    private static string Clean(string text) => text.ReplaceLineEndings(" ");
}
