using System.Globalization;
using Sonde.Profiles;

namespace Sonde.Formats.Folded;

/// <summary>
/// The state of reading one folded-stacks file. Distinct stacks and frames are parsed once and then found by
/// their text through span lookups, so a file with many repeated lines (Austin writes one per sample) costs a
/// hash lookup per line and no string per line.
/// </summary>
internal sealed class FoldedDecoder
{
    private const int MaxLineChars = 16 << 20;

    private readonly TextLines _lines;
    private readonly Dictionary<string, (int Stack, int Thread)> _stacksByText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Stack, int Thread)>.AlternateLookup<ReadOnlySpan<char>> _stackLookup;
    private readonly Dictionary<string, int> _framesByText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _frameLookup;
    private readonly Dictionary<string, string> _austinMetadata = new(StringComparer.Ordinal);
    private readonly List<long> _threadClocks = [];
    private readonly long[] _metrics = new long[3];
    private readonly List<(int Start, int Length)> _tokens = [];
    private Profile? _profile;
    private FoldedDialect _dialect;
    private FoldedWeights _weights;
    private int _metricCount;
    private long[] _sampleWeights = [];

    public FoldedDecoder(Stream input)
    {
        _lines = new TextLines(input, MaxLineChars);
        _stackLookup = _stacksByText.GetAlternateLookup<ReadOnlySpan<char>>();
        _frameLookup = _framesByText.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public Profile Decode()
    {
        while (_lines.TryRead(out var line))
        {
            line = line.TrimEnd(" \t");
            if (line.IsEmpty) continue;
            if (line[0] == '#')
            {
                ReadComment(line);
                continue;
            }
            if (_profile is null) Start(line);
            ReadSample(line);
        }
        if (_profile is null)
        {
            if (_austinMetadata.Count == 0) throw new InvalidDataException("it holds no stacks");
            Start(default);
        }
        ApplyAustinMetadata(_profile!);
        return _profile!;
    }

    /// <summary>Austin writes <c># key: value</c> lines before and after the samples; other comments are skipped.</summary>
    private void ReadComment(ReadOnlySpan<char> line)
    {
        var text = line[1..].Trim();
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return;
        var key = text[..colon].ToString();
        if (_austinMetadata.Count > 64 && !_austinMetadata.ContainsKey(key)) return;
        _austinMetadata[key] = text[(colon + 2)..].ToString();
    }

    /// <summary>The first sample line decides the dialect and the weight columns.</summary>
    private void Start(ReadOnlySpan<char> line)
    {
        _dialect = line.StartsWith("Thread ", StringComparison.Ordinal) || line.StartsWith("Process ", StringComparison.Ordinal)
            ? FoldedDialect.AustinLegacy
            : IsAustinLine(line) || _austinMetadata.ContainsKey("austin") ? FoldedDialect.Austin : FoldedDialect.Plain;
        _metricCount = _dialect switch
        {
            FoldedDialect.Austin => line.IsEmpty ? 1 : line[(line.LastIndexOf(' ') + 1)..].Count(',') + 1,
            FoldedDialect.AustinLegacy => TrailingIntegers(line),
            _ => 1,
        };
        if (_metricCount is not (1 or 3)) throw new InvalidDataException($"line {_lines.LineNumber}: expected 1 or 3 numbers at the end, found {_metricCount}");
        var mode = _austinMetadata.GetValueOrDefault("mode");
        _weights = (_dialect, _metricCount, mode) switch
        {
            (FoldedDialect.Plain, _, _) => FoldedWeights.Count,
            (FoldedDialect.Austin, 3, _) => FoldedWeights.AustinFull,
            (FoldedDialect.AustinLegacy, 3, _) => FoldedWeights.LegacyFull,
            (_, _, "cpu") => FoldedWeights.Cpu,
            (_, _, "memory") => FoldedWeights.Memory,
            _ => FoldedWeights.Wall,
        };
        WeightType[] types = _weights switch
        {
            FoldedWeights.Count => [WeightType.Samples],
            FoldedWeights.Wall => [WeightType.Samples, WeightType.WallTime],
            FoldedWeights.Cpu => [WeightType.Samples, WeightType.CpuTime],
            FoldedWeights.Memory => [WeightType.Samples, WeightType.AllocBytes, DeallocBytes],
            FoldedWeights.AustinFull => [WeightType.Samples, WeightType.WallTime, WeightType.CpuTime, WeightType.AllocBytes, DeallocBytes],
            _ => [WeightType.Samples, WeightType.WallTime, WeightType.AllocBytes, DeallocBytes],
        };
        _profile = new Profile(types);
        _sampleWeights = new long[types.Length];
    }

    private static readonly WeightType DeallocBytes = new("dealloc-bytes", "bytes");

    /// <summary><c>P&lt;digits&gt;;T</c>: Austin 3's process and thread prefix.</summary>
    private static bool IsAustinLine(ReadOnlySpan<char> line)
    {
        if (line.Length < 2 || line[0] != 'P') return false;
        var i = 1;
        while (i < line.Length && char.IsAsciiDigit(line[i])) i++;
        return i > 1 && line[i..].StartsWith(";T", StringComparison.Ordinal);
    }

    /// <summary>How many space-separated integers end the line (at most 3), after the last frame.</summary>
    private static int TrailingIntegers(ReadOnlySpan<char> line)
    {
        var semicolon = line.LastIndexOf(';');
        var tail = semicolon >= 0 ? line[(semicolon + 1)..] : line;
        var count = 0;
        while (count < 3)
        {
            var space = tail.LastIndexOf(' ');
            if (space < 0 || !long.TryParse(tail[(space + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) break;
            tail = tail[..space];
            count++;
        }
        return count;
    }

    private void ReadSample(ReadOnlySpan<char> line)
    {
        var stackText = SplitMetrics(line);
        if (!_stackLookup.TryGetValue(stackText, out var entry))
        {
            entry = ParseStack(stackText);
            _stackLookup[stackText] = entry;
        }

        var profile = _profile!;
        var weights = _sampleWeights;
        long time = 0;
        switch (_weights)
        {
            case FoldedWeights.Count:
                if (_metrics[0] < 0) throw new InvalidDataException($"line {_lines.LineNumber}: the count is negative");
                weights[0] = _metrics[0];
                break;
            case FoldedWeights.Wall or FoldedWeights.Cpu:
                time = Microseconds(_metrics[0]);
                weights[0] = 1;
                weights[1] = time;
                break;
            case FoldedWeights.Memory:
                weights[0] = 1;
                weights[1] = Math.Max(_metrics[0], 0);
                weights[2] = _metrics[0] < 0 ? -_metrics[0] : 0;
                break;
            case FoldedWeights.AustinFull:
                time = Microseconds(_metrics[0]);
                weights[0] = 1;
                weights[1] = time;
                weights[2] = _metrics[1] != 0 ? 0 : time;
                weights[3] = Math.Max(_metrics[2], 0);
                weights[4] = _metrics[2] < 0 ? -_metrics[2] : 0;
                break;
            default:
                time = Microseconds(_metrics[0]);
                weights[0] = 1;
                weights[1] = time;
                weights[2] = Math.Abs(_metrics[1]);
                weights[3] = Math.Abs(_metrics[2]);
                break;
        }

        // Austin's samples follow each other in time, thread by thread, so each thread's summed time is its clock.
        while (_threadClocks.Count <= entry.Thread) _threadClocks.Add(0);
        var clock = _threadClocks[entry.Thread];
        _threadClocks[entry.Thread] = checked(clock + time);
        profile.AddSample(entry.Stack, entry.Thread, clock, weights);
    }

    private long Microseconds(long value)
    {
        if (value < 0) throw new InvalidDataException($"line {_lines.LineNumber}: the time is negative");
        return checked(value * 1000);
    }

    /// <summary>Parses the numbers at the end of the line into <see cref="_metrics"/> and returns the stack part before them.</summary>
    private ReadOnlySpan<char> SplitMetrics(ReadOnlySpan<char> line)
    {
        var rest = line;
        if (_dialect == FoldedDialect.AustinLegacy)
        {
            for (var m = _metricCount - 1; m >= 0; m--)
            {
                var space = rest.LastIndexOf(' ');
                if (space < 0) throw MissingMetrics();
                _metrics[m] = ParseMetric(rest[(space + 1)..]);
                rest = rest[..space];
            }
            return rest;
        }

        var last = rest.LastIndexOf(' ');
        if (last < 0) throw MissingMetrics();
        var numbers = rest[(last + 1)..];
        for (var m = 0; m < _metricCount; m++)
        {
            var comma = m < _metricCount - 1 ? numbers.IndexOf(',') : numbers.Length;
            if (comma < 0) throw MissingMetrics();
            _metrics[m] = ParseMetric(numbers[..comma]);
            numbers = comma < numbers.Length ? numbers[(comma + 1)..] : default;
        }
        return rest[..last];
    }

    private long ParseMetric(ReadOnlySpan<char> text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw MissingMetrics();

    private InvalidDataException MissingMetrics() => _metricCount == 1
        ? new($"line {_lines.LineNumber}: expected 'frame;frame;... COUNT' with a whole number at the end")
        : new($"line {_lines.LineNumber}: expected {_metricCount} numbers at the end, as on the first line");

    /// <summary>Reads the thread prefix of a stack, then its frames.</summary>
    private (int Stack, int Thread) ParseStack(ReadOnlySpan<char> text)
    {
        var profile = _profile!;
        var tokens = _tokens;
        tokens.Clear();
        for (var start = 0; start <= text.Length && text.Length > 0;)
        {
            var end = text[start..].IndexOf(';');
            end = end < 0 ? text.Length : start + end;
            tokens.Add((start, end - start));
            start = end + 1;
        }

        var processId = 0;
        long threadId = 0;
        var threadName = "";
        var next = 0;
        switch (_dialect)
        {
            case FoldedDialect.Austin:
                if (tokens.Count < 2) throw BadThread();
                processId = ParseAustinProcess(Token(text, 0));
                (threadId, threadName) = ParseAustinThread(Token(text, 1));
                next = 2;
                break;
            case FoldedDialect.AustinLegacy:
                if (next < tokens.Count && Token(text, next).StartsWith("Process ", StringComparison.Ordinal))
                {
                    processId = int.TryParse(Token(text, next)["Process ".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : throw BadThread();
                    next++;
                }
                if (next >= tokens.Count || !Token(text, next).StartsWith("Thread ", StringComparison.Ordinal) ||
                    !long.TryParse(Token(text, next)["Thread ".Length..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out threadId))
                    throw BadThread();
                next++;
                break;
            default:
                // Leading pseudo-frames name the process and the thread (Sonde's and py-spy's --threads).
                for (; next < tokens.Count; next++)
                {
                    var label = Token(text, next);
                    if (PseudoFrames.TryParseProcess(label, out var pid, out var command))
                    {
                        processId = pid;
                        if (command.Length > 0) NoteProcess(profile, pid, command);
                    }
                    else if (PseudoFrames.TryParseThread(label, out var id, out var name)) (threadId, threadName) = (id, name);
                    else break;
                }
                break;
        }

        var thread = profile.ThreadIndex(processId, threadId, threadName);
        var stack = StackTable.Root;
        for (var i = next; i < tokens.Count; i++)
        {
            var (start, length) = tokens[i];
            // Austin's alternative format and Austin 1 give the line a token of its own after the frame.
            if (_dialect != FoldedDialect.Plain && i + 1 < tokens.Count && IsLineToken(Token(text, i + 1)))
            {
                i++;
                length = tokens[i].Start + tokens[i].Length - start;
            }
            if (length == 0) continue;
            stack = profile.Stacks.Intern(stack, FrameId(text.Slice(start, length)));
        }
        return (stack, thread);
    }

    private ReadOnlySpan<char> Token(ReadOnlySpan<char> text, int index) => text.Slice(_tokens[index].Start, _tokens[index].Length);

    private static bool IsLineToken(ReadOnlySpan<char> token)
    {
        if (token.Length < 2 || token[0] != 'L') return false;
        foreach (var c in token[1..])
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private int FrameId(ReadOnlySpan<char> text)
    {
        if (_frameLookup.TryGetValue(text, out var id)) return id;
        id = _profile!.Frames.Intern(ParseFrame(text));
        _frameLookup[text] = id;
        return id;
    }

    private Frame ParseFrame(ReadOnlySpan<char> text)
    {
        var semicolon = text.IndexOf(';');
        var line = 0;
        if (semicolon >= 0)
        {
            line = ParseLine(text[(semicolon + 2)..]);
            text = text[..semicolon];
        }

        if (_dialect == FoldedDialect.Austin)
        {
            // file:function:line, or file:function with the line in its own token; the file may hold colons.
            if (semicolon < 0)
            {
                var lastColon = text.LastIndexOf(':');
                if (lastColon < 0) return new Frame(text.ToString(), "", 0);
                line = text[(lastColon + 1)..].IsEmpty ? 0 : ParseLine(text[(lastColon + 1)..]);
                text = text[..lastColon];
            }
            var colon = text.LastIndexOf(':');
            return colon < 0
                ? new Frame(text.ToString(), "", 0, line)
                : new Frame(text[(colon + 1)..].ToString(), text[..colon].ToString(), 0, line);
        }

        if (!text.EndsWith(')')) return new Frame(text.ToString(), "", 0, line);
        var open = text.LastIndexOf(" (", StringComparison.Ordinal);
        if (open < 0) return new Frame(text.ToString(), "", 0, line);
        var function = text[..open].ToString();
        var inside = text[(open + 2)..^1];
        var fileEnd = inside.LastIndexOf(':');
        var number = 0;
        if (fileEnd >= 0 && int.TryParse(inside[(fileEnd + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out number)) inside = inside[..fileEnd];
        // Sonde and flamegraph.pl labels carry the function's first line; Austin's carry the executing line.
        return _dialect == FoldedDialect.Plain
            ? new Frame(function, inside.ToString(), number)
            : new Frame(function, inside.ToString(), 0, line != 0 ? line : number);
    }

    private int ParseLine(ReadOnlySpan<char> digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            ? line
            : throw new InvalidDataException($"line {_lines.LineNumber}: '{Clip(digits)}' is not a line number");

    private int ParseAustinProcess(ReadOnlySpan<char> token) =>
        token.Length > 1 && token[0] == 'P' && int.TryParse(token[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new InvalidDataException($"line {_lines.LineNumber}: expected the process as P<pid> first");

    /// <summary><c>T&lt;tid&gt;</c>, or <c>T&lt;interpreter&gt;:&lt;tid&gt;</c>; early Austin 3 releases wrote the id in hex.</summary>
    private (long Id, string Name) ParseAustinThread(ReadOnlySpan<char> token)
    {
        if (token.Length < 2 || token[0] != 'T') throw BadThread();
        var id = token[1..];
        var colon = id.IndexOf(':');
        var interpreter = colon >= 0 ? id[..colon] : default;
        if (colon >= 0) id = id[(colon + 1)..];
        if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var tid) ||
            long.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out tid))
            return (tid, interpreter.IsEmpty || interpreter.SequenceEqual("0") ? "" : $"interpreter {interpreter}");
        throw BadThread();
    }

    private InvalidDataException BadThread() => new($"line {_lines.LineNumber}: the thread is not in the form the first line uses");

    private static void NoteProcess(Profile profile, int processId, string command)
    {
        var metadata = profile.Metadata;
        metadata.Properties[$"process.{processId}.command"] = command;
        metadata.Command ??= command;
        metadata.ProcessId ??= processId;
    }

    /// <summary>Austin's header and footer: the Python version, the interval and the duration (in microseconds).</summary>
    private void ApplyAustinMetadata(Profile profile)
    {
        var metadata = profile.Metadata;
        foreach (var (key, value) in _austinMetadata)
        {
            switch (key)
            {
                case "python": metadata.PythonVersion = value; break;
                case "duration" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us < TimeSpan.MaxValue.Ticks / 10:
                    metadata.Duration = TimeSpan.FromTicks(us * 10);
                    break;
                case "interval" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us > 0:
                    metadata.Sampler.RequestedRateHz = 1e6 / us;
                    break;
            }
            metadata.Properties[$"austin.{key}"] = value;
        }
    }

    private static string Clip(ReadOnlySpan<char> text) => ErrorText.Quote(text);
}
