namespace Sonde.Cli.CommandLine;

/// <summary>Appends an Examples section to a verb's description, which --help prints.</summary>
internal static class Examples
{
    public static string Describe(string summary, params string[] examples) =>
        summary + "\n\nExamples:\n" + string.Join('\n', examples.Select(e => "  " + e));
}
