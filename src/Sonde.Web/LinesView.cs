using Sonde.Profiles;

namespace Sonde.Web;

/// <summary>
/// Weight per line of one source file, for the source view's heat: own when the line was innermost, total when it
/// was anywhere on the stack. A profile kept per function (no executing lines) heats each function's first line;
/// exact line timings from <c>sonde trace --lines</c> come as their own column.
/// </summary>
internal static class LinesView
{
    public static byte[] Build(LoadedProfile loaded, string file, int weight)
    {
        var profile = loaded.Profile;
        var byStack = profile.TotalsByStack(weight);
        var stacks = profile.Stacks;
        var own = new Dictionary<int, long>();
        var total = new Dictionary<int, long>();
        var seen = new HashSet<int>();
        var perLine = false;
        for (var s = 0; s < byStack.Length; s++)
        {
            var w = byStack[s];
            if (w == 0) continue;
            seen.Clear();
            for (var walk = s; walk != StackTable.Root; walk = stacks.ParentOf(walk))
            {
                var frame = profile.Frames[stacks.FrameOf(walk)];
                if (frame.File != file) continue;
                perLine |= frame.Line > 0;
                var line = frame.DisplayLine;
                if (walk == s) own[line] = own.GetValueOrDefault(line) + w;
                if (seen.Add(line)) total[line] = total.GetValueOrDefault(line) + w;
            }
        }
        var exact = new Dictionary<int, (long Hits, long TimeNs)>();
        if (profile.LineTimings is { } timings)
            foreach (var entry in timings.Entries)
                if (entry.Function.File == file)
                    foreach (var line in entry.Lines)
                    {
                        var sum = exact.GetValueOrDefault(line.Line);
                        exact[line.Line] = (sum.Hits + line.Hits, sum.TimeNs + line.TimeNs);
                    }

        return JsonText.Write(json =>
        {
            json.WriteStartObject();
            JsonText.String(json, "file", file);
            json.WriteBoolean("perLine", perLine);
            JsonText.String(json, "unit", profile.WeightTypes[weight].Unit);
            json.WriteNumber("grandTotal", loaded.Tree(weight, -1).GrandTotal);
            json.WriteStartArray("lines");
            foreach (var line in total.Keys.Order())
            {
                json.WriteStartArray();
                json.WriteNumberValue(line);
                json.WriteNumberValue(own.GetValueOrDefault(line));
                json.WriteNumberValue(total[line]);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("exact");
            foreach (var (line, sum) in exact.OrderBy(e => e.Key))
            {
                json.WriteStartArray();
                json.WriteNumberValue(line);
                json.WriteNumberValue(sum.Hits);
                json.WriteNumberValue(sum.TimeNs);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
