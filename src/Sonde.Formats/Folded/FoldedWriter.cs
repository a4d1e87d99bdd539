using System.Globalization;
using System.Text;
using Sonde.Profiles;

namespace Sonde.Formats.Folded;

/// <summary>
/// Folded stacks, the input of most flame graph tools: one line per distinct stack, the frame labels
/// (<c>qualname (file:line)</c>) outermost first joined by <c>;</c>, a space, and the summed weight.
/// Lines are sorted by their stack text (ordinal), so equal profiles give byte-equal files.
/// </summary>
/// <remarks>
/// A label cannot contain the separators of the format: <c>;</c> becomes <c>,</c>, and line breaks and other
/// control characters become a space. Spaces stay, since readers split the weight off at the last space.
/// </remarks>
public sealed class FoldedWriter : IProfileWriter
{
    public string FormatName => "folded";

    public void Write(Profile profile, Stream output, WriteOptions options)
    {
        var stacks = StackWeights.Collect(profile, options.WeightIndex, options.ThreadRoots);
        var frames = new MergedFrames(profile, options.Lines);
        // Room for the thread roots too, which the frames intern on first use.
        var labels = new string?[frames.Count + profile.Threads.Count];

        // Different stack ids can read the same once lines are dropped, so the sum is by text.
        var byText = new Dictionary<string, long>(stacks.Count, StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var entry in stacks)
        {
            text.Clear();
            if (entry.ThreadIndex >= 0) AppendLabel(text, frames, labels, frames.OfThread(entry.ThreadIndex));
            foreach (var frameId in profile.Stacks.FramesOf(entry.StackId))
                AppendLabel(text, frames, labels, frames.OfProfileFrame(frameId));
            var key = text.ToString();
            byText[key] = byText.GetValueOrDefault(key) + entry.Weight;
        }

        var keys = new string[byText.Count];
        byText.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);

        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var key in keys)
        {
            writer.Write(key);
            writer.Write(' ');
            writer.WriteLine(byText[key].ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void AppendLabel(StringBuilder text, MergedFrames frames, string?[] labels, int id)
    {
        if (text.Length > 0) text.Append(';');
        text.Append(labels[id] ??= Sanitize(frames[id].Label));
    }

    /// <summary>Makes a label safe inside a folded line (see the class remarks).</summary>
    private static string Sanitize(string label)
    {
        if (!NeedsSanitizing(label)) return label;
        var result = new StringBuilder(label.Length);
        foreach (var c in label) result.Append(c == ';' ? ',' : IsBreak(c) ? ' ' : c);
        return result.ToString();
    }

    private static bool NeedsSanitizing(string label)
    {
        foreach (var c in label)
            if (c == ';' || IsBreak(c)) return true;
        return false;
    }

    private static bool IsBreak(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
