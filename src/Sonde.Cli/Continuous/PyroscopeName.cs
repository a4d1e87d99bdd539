using System.Text;
using System.Text.RegularExpressions;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Continuous;

/// <summary>
/// The application name Pyroscope's ingest API takes in its <c>name</c> parameter: <c>APP{key=value,...}</c>.
/// Names and labels are checked up front, since a brace, comma or equals sign inside them would change the series.
/// </summary>
internal sealed partial class PyroscopeName
{
    private PyroscopeName(string application, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        Application = application;
        Labels = labels;
    }

    public string Application { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; }

    /// <exception cref="UsageException">A name or label Pyroscope would misread.</exception>
    public static PyroscopeName Create(string application, IEnumerable<string> labels)
    {
        if (!ApplicationPattern().IsMatch(application))
            throw new UsageException($"--name must be letters, digits, '.', '-' or '_' (up to 200), e.g. --name checkout.api, not '{application}'");
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var label in labels)
        {
            var equals = label.IndexOf('=');
            var key = equals > 0 ? label[..equals] : "";
            var value = equals > 0 ? label[(equals + 1)..] : "";
            if (!KeyPattern().IsMatch(key) || key.StartsWith("__", StringComparison.Ordinal) || !ValuePattern().IsMatch(value))
                throw new UsageException($"--label takes KEY=VALUE with a key of letters, digits and '_' and a value without spaces, braces, commas or '=', e.g. --label env=staging, not '{label}'");
            if (pairs.Any(p => p.Key == key)) throw new UsageException($"--label {key} is given twice");
            pairs.Add(new(key, value));
        }
        return new PyroscopeName(application, pairs);
    }

    /// <summary><c>APP{k=v,...}</c>, or just <c>APP</c> without labels.</summary>
    public override string ToString()
    {
        if (Labels.Count == 0) return Application;
        var text = new StringBuilder(Application).Append('{');
        for (var i = 0; i < Labels.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(Labels[i].Key).Append('=').Append(Labels[i].Value);
        }
        return text.Append('}').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex ApplicationPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[^\s{},=""]{1,200}$")]
    private static partial Regex ValuePattern();
}
