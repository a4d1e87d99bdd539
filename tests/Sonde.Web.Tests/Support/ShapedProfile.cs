using System.Globalization;

namespace Sonde.Web.Tests.Support;

/// <summary>
/// A profile of known shape, written as folded stacks next to the source file its frames name, so every number
/// the page shows has a ground truth: main → render (600), main → parse (100 own) → tokenize (300).
/// </summary>
internal static class ShapedProfile
{
    public const int Render = 600, ParseOwn = 100, Tokenize = 300, Total = Render + ParseOwn + Tokenize;
    public const int TokenizeLine = 20;

    /// <summary>Writes app.py and the folded profile into <paramref name="directory"/>; returns the profile's path.</summary>
    public static string Write(string directory, string fileName = "shaped.folded", int render = Render, int parseOwn = ParseOwn, int tokenize = Tokenize)
    {
        var source = Path.Combine(directory, "app.py");
        if (!File.Exists(source))
        {
            var lines = Enumerable.Range(1, 40).Select(n => n switch
            {
                1 => "def main():",
                10 => "def parse(text):",
                TokenizeLine => "def tokenize(text):",
                30 => "def render(tree):",
                _ => $"    x = {n}",
            });
            File.WriteAllLines(source, lines);
        }
        string F(string name, int line) => $"{name} ({source}:{line.ToString(CultureInfo.InvariantCulture)})";
        var path = Path.Combine(directory, fileName);
        File.WriteAllLines(path,
        [
            $"{F("main", 1)};{F("parse", 10)};{F("tokenize", TokenizeLine)} {tokenize}",
            $"{F("main", 1)};{F("parse", 10)} {parseOwn}",
            $"{F("main", 1)};{F("render", 30)} {render}",
        ]);
        return path;
    }
}
