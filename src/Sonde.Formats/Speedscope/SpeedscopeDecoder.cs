using System.Text.Json;
using Sonde.Profiles;

namespace Sonde.Formats.Speedscope;

/// <summary>
/// Turns a parsed speedscope document into the model. Every value is checked for its JSON kind and range before
/// use, so a malformed file ends in <see cref="InvalidDataException"/> naming the part that is wrong.
/// </summary>
internal sealed class SpeedscopeDecoder(JsonElement root)
{
    private const int MaxEventDepth = 10_000;
    private const int NotAThread = -1, Unknown = -2;

    private readonly List<int> _stack = [];
    private Profile _profile = null!;
    private JsonElement _frames;
    private int[] _frameIds = [];
    private int[] _threadOfFrame = [];
    private WeightType? _weightType;

    public Profile Decode()
    {
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the top level is not a JSON object");
        _frames = Property(Property(root, "shared", JsonValueKind.Object, "the file"), "frames", JsonValueKind.Array, "shared");
        var profiles = Property(root, "profiles", JsonValueKind.Array, "the file");

        foreach (var profile in profiles.EnumerateArray())
        {
            if (profile.ValueKind != JsonValueKind.Object) throw new InvalidDataException("a profile is not a JSON object");
            var type = WeightTypeOf(UnitOf(profile));
            if (_weightType is null) _weightType = type;
            else if (_weightType != type) throw new InvalidDataException($"its profiles mix units ({_weightType.Unit} and {type.Unit}); Sonde keeps one unit per file");
        }
        _profile = new Profile(_weightType ?? WeightType.Samples);
        _frameIds = new int[_frames.GetArrayLength()];
        Array.Fill(_frameIds, -1);
        _threadOfFrame = new int[_frameIds.Length];
        Array.Fill(_threadOfFrame, Unknown);
        if (root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String) _profile.Metadata.Command = Text(name);
        if (root.TryGetProperty("exporter", out var exporter) && exporter.ValueKind == JsonValueKind.String)
            _profile.Metadata.Properties["speedscope.exporter"] = Text(exporter);

        var index = 0;
        foreach (var profile in profiles.EnumerateArray())
        {
            var kind = Text(Property(profile, "type", JsonValueKind.String, $"profile {index}"));
            var thread = ThreadOf(profile, index);
            var scale = ScaleOf(UnitOf(profile));
            var start = Number(Property(profile, "startValue", JsonValueKind.Number, $"profile {index}"), scale, "startValue");
            switch (kind)
            {
                case "sampled": ReadSampled(profile, index, thread, start, scale); break;
                case "evented": ReadEvented(profile, index, thread, start, scale); break;
                default: throw new InvalidDataException($"profile {index} has unknown type '{Clip(kind)}'");
            }
            index++;
        }
        return _profile;
    }

    private void ReadSampled(JsonElement profile, int index, int thread, long start, double scale)
    {
        var where = $"profile {index}";
        var samples = Property(profile, "samples", JsonValueKind.Array, where);
        var weights = Property(profile, "weights", JsonValueKind.Array, where);
        if (samples.GetArrayLength() != weights.GetArrayLength())
            throw new InvalidDataException($"{where} has {samples.GetArrayLength()} samples but {weights.GetArrayLength()} weights");
        var isTime = _weightType!.IsTime;
        long time = 0;
        Span<long> weight = stackalloc long[1];
        using var weightItems = weights.EnumerateArray();
        foreach (var sample in samples.EnumerateArray())
        {
            weightItems.MoveNext();
            if (sample.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{where} has a sample that is not an array of frame indexes");
            weight[0] = Number(weightItems.Current, scale, "weight");
            var sampleThread = thread;
            var stack = StackTable.Root;
            var first = true;
            foreach (var entry in sample.EnumerateArray())
            {
                var frame = FrameIndex(entry, where);
                if (first && ThreadFrame(frame) is var root and >= 0) sampleThread = root;
                else stack = _profile.Stacks.Intern(stack, FrameId(frame));
                first = false;
            }
            _profile.AddSample(stack, sampleThread, start + time, weight);
            if (isTime) time = checked(time + weight[0]);
        }
    }

    /// <summary>Between two events the open frames form one stack; it gets a sample weighted by the time between them.</summary>
    private void ReadEvented(JsonElement profile, int index, int thread, long start, double scale)
    {
        var where = $"profile {index}";
        var events = Property(profile, "events", JsonValueKind.Array, where);
        var end = Number(Property(profile, "endValue", JsonValueKind.Number, where), scale, "endValue");
        _stack.Clear();
        var stack = StackTable.Root;
        var previous = start;
        Span<long> weight = stackalloc long[1];
        foreach (var item in events.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where} has an event that is not an object");
            var type = Text(Property(item, "type", JsonValueKind.String, $"an event of {where}"));
            var at = Number(Property(item, "at", JsonValueKind.Number, $"an event of {where}"), scale, "at");
            var frame = FrameIndex(Property(item, "frame", JsonValueKind.Number, $"an event of {where}"), where);
            if (at < previous) throw new InvalidDataException($"{where} has events out of time order");
            if (_stack.Count > 0 && at > previous)
            {
                weight[0] = checked(at - previous);
                _profile.AddSample(stack, thread, previous, weight);
            }
            previous = at;
            switch (type)
            {
                case "O":
                    if (_stack.Count >= MaxEventDepth) throw new InvalidDataException($"{where} nests frames more than {MaxEventDepth} deep");
                    _stack.Add(frame);
                    stack = _profile.Stacks.Intern(stack, FrameId(frame));
                    break;
                case "C":
                    if (_stack.Count == 0 || _stack[^1] != frame)
                        throw new InvalidDataException($"{where} closes frame {frame}, which is not the innermost open frame");
                    _stack.RemoveAt(_stack.Count - 1);
                    stack = _profile.Stacks.ParentOf(stack);
                    break;
                default:
                    throw new InvalidDataException($"{where} has an event of unknown type '{Clip(type)}'");
            }
        }
        // Frames still open at the end run until the profile's end value.
        if (_stack.Count > 0 && end > previous)
        {
            weight[0] = checked(end - previous);
            _profile.AddSample(stack, thread, previous, weight);
        }
    }

    private int FrameIndex(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var index) || index < 0 || index >= _frameIds.Length)
            throw new InvalidDataException($"{where} refers to a frame that shared.frames does not have");
        return index;
    }

    private int FrameId(int index)
    {
        if (_frameIds[index] >= 0) return _frameIds[index];
        var frame = _frames[index];
        var where = $"frame {index}";
        if (frame.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where} is not a JSON object");
        var name = Text(Property(frame, "name", JsonValueKind.String, where));
        var file = frame.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.String ? Text(f) : "";
        var line = 0;
        if (frame.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number && !l.TryGetInt32(out line))
            throw new InvalidDataException($"{where} has a line number out of range");
        return _frameIds[index] = _profile.Frames.Intern(new Frame(name, file, line));
    }

    /// <summary>The thread a <c>thread NAME (TID)</c> root frame stands for (Sonde's --threads), else -1.</summary>
    private int ThreadFrame(int index)
    {
        if (_threadOfFrame[index] != Unknown) return _threadOfFrame[index];
        var frame = _frames[index];
        var result = NotAThread;
        if (frame.ValueKind == JsonValueKind.Object && !frame.TryGetProperty("file", out _) &&
            frame.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String &&
            PseudoFrames.TryParseThread(Text(name), out var threadId, out var threadName))
            result = _profile.ThreadIndex(0, threadId, threadName);
        return _threadOfFrame[index] = result;
    }

    /// <summary>The thread a profile is: Sonde names them <c>thread NAME (TID)</c>; other names become the thread's name.</summary>
    private int ThreadOf(JsonElement profile, int index)
    {
        var name = profile.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? Text(n) : "";
        return PseudoFrames.TryParseThread(name, out var threadId, out var threadName)
            ? _profile.ThreadIndex(0, threadId, threadName)
            : _profile.ThreadIndex(0, index, name);
    }

    private static string UnitOf(JsonElement profile) =>
        profile.TryGetProperty("unit", out var unit) && unit.ValueKind == JsonValueKind.String ? Text(unit) : "none";

    private static WeightType WeightTypeOf(string unit) => unit switch
    {
        "nanoseconds" or "microseconds" or "milliseconds" or "seconds" => WeightType.WallTime,
        "bytes" => WeightType.AllocBytes,
        "none" => WeightType.Samples,
        _ => throw new InvalidDataException($"unknown unit '{Clip(unit)}'"),
    };

    /// <summary>Time units become nanoseconds, the model's time unit.</summary>
    private static double ScaleOf(string unit) => unit switch
    {
        "microseconds" => 1e3,
        "milliseconds" => 1e6,
        "seconds" => 1e9,
        _ => 1,
    };

    /// <summary>A JSON string's text; System.Text.Json only checks its UTF-8 when asked for it.</summary>
    private static string Text(JsonElement element)
    {
        try
        {
            return element.GetString() ?? "";
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException("a string is not valid UTF-8", e);
        }
    }

    private static long Number(JsonElement element, double scale, string what)
    {
        if (element.ValueKind != JsonValueKind.Number) throw new InvalidDataException($"a {what} is not a number");
        var value = Math.Round(element.GetDouble() * scale);
        if (!double.IsFinite(value) || Math.Abs(value) > 9e18) throw new InvalidDataException($"a {what} is out of range");
        return (long)value;
    }

    private static JsonElement Property(JsonElement element, string name, JsonValueKind kind, string where)
    {
        if (!element.TryGetProperty(name, out var value)) throw new InvalidDataException($"{where} has no '{name}'");
        if (value.ValueKind != kind) throw new InvalidDataException($"'{name}' in {where} is not a JSON {kind.ToString().ToLowerInvariant()}");
        return value;
    }

    private static string Clip(string? text) => ErrorText.Quote(text);
}
