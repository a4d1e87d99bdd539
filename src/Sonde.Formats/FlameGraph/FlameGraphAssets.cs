namespace Sonde.Formats.FlameGraph;

/// <summary>The script and style sheet every flame graph embeds, kept as resource files so they read as JS and CSS.</summary>
internal static class FlameGraphAssets
{
    private static readonly Lazy<string> _script = new(() => Load("flamegraph.js"));
    private static readonly Lazy<string> _style = new(() => Load("flamegraph.css"));

    public static string Script => _script.Value;

    public static string Style => _style.Value;

    private static string Load(string name)
    {
        using var stream = typeof(FlameGraphAssets).Assembly.GetManifestResourceStream($"Sonde.Formats.FlameGraph.{name}")
            ?? throw new InvalidOperationException($"The resource {name} is missing from Sonde.Formats.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
