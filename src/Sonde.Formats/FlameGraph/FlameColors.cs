using Sonde.Profiles;

namespace Sonde.Formats.FlameGraph;

/// <summary>
/// Fill colours: a warm shade picked by a hash of the function name, so a function keeps its colour across the
/// graph and across runs (string.GetHashCode is randomised per process, hence our own FNV-1a). Thread and process
/// roots get cool shades and unreadable parts grey, so they never pass for code.
/// </summary>
internal static class FlameColors
{
    /// <summary>The <c>all</c> frame: neutral, as it is no code.</summary>
    public static readonly (int R, int G, int B) Root = (230, 225, 215);

    public static (int R, int G, int B) Of(Frame frame)
    {
        var hash = Fnv1a(frame.Function);
        var a = (int)(hash % 64);
        var b = (int)((hash >> 8) % 160);
        var c = (int)((hash >> 16) % 56);
        return frame.Kind switch
        {
            FrameKind.Thread or FrameKind.Process => (90 + c, 150 + a, 200 + a / 2),
            FrameKind.Truncated => (170 + c / 2, 170 + c / 2, 170 + c / 2),
            _ => (192 + a, 60 + b, 20 + c),
        };
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var ch in text)
        {
            hash ^= ch;
            hash *= 16777619u;
        }
        return hash;
    }
}
