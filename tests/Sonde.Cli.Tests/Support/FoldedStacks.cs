using System.Globalization;

namespace Sonde.Cli.Tests.Support;

/// <summary>A folded-stacks file as the tests read it: each line's frames, outermost first, and its count.</summary>
internal sealed class FoldedStacks
{
    public List<(string[] Frames, long Count)> Stacks { get; } = [];

    public long Total => Stacks.Sum(s => s.Count);

    public static FoldedStacks Load(string path)
    {
        var folded = new FoldedStacks();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Length == 0) continue;
            var space = line.LastIndexOf(' ');
            folded.Stacks.Add((line[..space].Split(';'), long.Parse(line[(space + 1)..], CultureInfo.InvariantCulture)));
        }
        return folded;
    }

    /// <summary>The function name of a frame label <c>qualname (file:line)</c>.</summary>
    public static string FunctionOf(string label)
    {
        var paren = label.LastIndexOf(" (", StringComparison.Ordinal);
        return paren < 0 ? label : label[..paren];
    }

    /// <summary>Samples whose innermost frame is the function.</summary>
    public long Own(string function) => Stacks.Where(s => FunctionOf(s.Frames[^1]) == function).Sum(s => s.Count);

    /// <summary>Samples with the function anywhere on the stack.</summary>
    public long Inclusive(string function) => Stacks.Where(s => s.Frames.Any(f => FunctionOf(f) == function)).Sum(s => s.Count);
}
