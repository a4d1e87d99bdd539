using Sonde.Profiles;
using Sonde.Profiles.CallGraph;

namespace Sonde.Formats.Pstats;

/// <summary>
/// Reads the files <c>python -m cProfile -o</c>, <c>pstats.Stats.dump_stats</c> and <c>profile</c> write: a
/// marshalled dict <c>{(file, line, name): (cc, nc, tt, ct, callers)}</c> whose callers map each caller to
/// <c>(nc, cc, tt, ct)</c> (cProfile) or to a call count (the pure-Python <c>profile</c> module).
/// The result has an exact <see cref="Profile.CallGraph"/> and samples estimated from it
/// (<see cref="CallGraphStacks"/>), weighted by <c>wall</c> nanoseconds and <c>calls</c>.
/// </summary>
public sealed class PstatsReader : IProfileReader
{
    /// <summary>Larger files are refused rather than read into memory.</summary>
    public const long MaxFileBytes = 256L << 20;

    // Longer than any real run: times beyond it are corrupt, and would overflow nanoseconds in a long.
    private const double MaxSeconds = 1e9;

    public string FormatName => "pstats";

    /// <summary>A marshalled dict whose first key is a 3-tuple, or an empty dict.</summary>
    public bool Recognizes(ReadOnlySpan<byte> head)
    {
        if (head.Length < 2 || (head[0] & ~MarshalCodes.FlagRef) != MarshalCodes.Dict) return false;
        if (head.Length == 2) return head[1] == MarshalCodes.Null;
        var keyType = head[1] & ~MarshalCodes.FlagRef;
        return (keyType == MarshalCodes.SmallTuple && head[2] == 3)
               || (keyType == MarshalCodes.Tuple && head.Length >= 6 && head[2] == 3 && head[3] == 0 && head[4] == 0 && head[5] == 0);
    }

    public Profile Read(Stream input, string displayName)
    {
        var (data, length) = ReadAll(input);
        var reader = new MarshalReader(data, length);
        var graph = new CallGraphData();
        var keys = new FunctionKeyCache(graph);
        if (!reader.TryStartDict()) throw new InvalidDataException($"expected a dict of functions, found {Describe(reader.Read())}");
        for (var entry = 0; !reader.TryEndDict(); entry++)
        {
            var callee = ReadKey(reader, keys, entry, "function");
            ReadStats(reader, graph, keys, callee, entry);
        }

        var profile = new Profile(WeightType.WallTime, WeightType.Calls);
        profile.Metadata.Mode = ProfileMode.Tracing;
        profile.Metadata.Duration = TimeSpan.FromTicks(graph.TotalOwnNs / 100);
        profile.CallGraph = graph;
        CallGraphStacks.AddSamplesLater(profile, graph, "cProfile");
        return profile;
    }

    // The file is walked as the structure it should have, which builds no objects for tuples and numbers: a
    // large profile has hundreds of thousands. Wherever the data differs (a shared tuple, a count where a tuple
    // should be), the value is read whole and judged by the same rules.

    /// <summary>The graph index of a <c>(file, line, function)</c> key.</summary>
    private static int ReadKey(MarshalReader reader, FunctionKeyCache keys, int entry, string what)
    {
        if (reader.TryStartTuple(3)) return KeyIndex(keys, reader.Read(), reader.Read(), reader.Read(), entry, what);
        var key = reader.Read();
        if (key is object?[] { Length: 3 } tuple) return KeyIndex(keys, tuple[0], tuple[1], tuple[2], entry, what);
        throw new InvalidDataException($"entry {entry}: expected a (file, line, function) key for a {what}, found {Describe(key)}");
    }

    private static int KeyIndex(FunctionKeyCache keys, object? file, object? line, object? name, int entry, string what)
    {
        if (file is not string fileName || line is not long lineNumber || NameOf(name) is not { } functionName)
            throw new InvalidDataException($"entry {entry}: expected a (file, line, function) key for a {what}, found ({Describe(file)}, {Describe(line)}, {Describe(name)})");
        if (lineNumber is < 0 or > int.MaxValue) throw new InvalidDataException($"entry {entry}: line number {lineNumber} out of range");
        return keys.IndexOf(fileName, lineNumber, functionName);
    }

    /// <summary>
    /// A function's <c>(cc, nc, tt, ct, callers)</c>. A caller not seen yet is added with no numbers of its
    /// own, which its entry adds later; a function listed twice is counted twice.
    /// </summary>
    private static void ReadStats(MarshalReader reader, CallGraphData graph, FunctionKeyCache keys, int callee, int entry)
    {
        if (!reader.TryStartTuple(5))
        {
            var value = reader.Read();
            if (value is not object?[] { Length: 5 } stats)
                throw new InvalidDataException($"entry {entry} ({graph.Functions[callee].Function.PstatsLabel}): expected (cc, nc, tt, ct, callers), found {Describe(value)}");
            graph.AddTo(callee, Count(stats[1], entry, "nc"), Count(stats[0], entry, "cc"), Nanoseconds(stats[2], entry, "tt"), Nanoseconds(stats[3], entry, "ct"));
            AddCallers(graph, keys, callee, stats[4], entry);
            return;
        }
        var primitive = ReadCount(reader, entry, "cc");
        var calls = ReadCount(reader, entry, "nc");
        var own = ReadNanoseconds(reader, entry, "tt");
        graph.AddTo(callee, calls, primitive, own, ReadNanoseconds(reader, entry, "ct"));
        if (!reader.TryStartDict())
        {
            AddCallers(graph, keys, callee, reader.Read(), entry);
            return;
        }
        while (!reader.TryEndDict())
        {
            var caller = ReadKey(reader, keys, entry, "caller");
            if (reader.TryStartTuple(4))
                graph.AddEdge(caller, callee, ReadCount(reader, entry, "caller nc"), ReadCount(reader, entry, "caller cc"),
                    ReadNanoseconds(reader, entry, "caller tt"), ReadNanoseconds(reader, entry, "caller ct"));
            else AddEdge(graph, caller, callee, reader.Read(), entry);
        }
    }

    private static void AddCallers(CallGraphData graph, FunctionKeyCache keys, int callee, object? callers, int entry)
    {
        switch (callers)
        {
            case MarshalDict dict:
                foreach (var (key, value) in dict.Items)
                {
                    if (key is not object?[] { Length: 3 } tuple)
                        throw new InvalidDataException($"entry {entry}: expected a (file, line, function) key for a caller, found {Describe(key)}");
                    AddEdge(graph, KeyIndex(keys, tuple[0], tuple[1], tuple[2], entry, "caller"), callee, value, entry);
                }
                break;
            case null:
                break;
            default:
                throw new InvalidDataException($"entry {entry}: expected a dict of callers, found {Describe(callers)}");
        }
    }

    private static void AddEdge(CallGraphData graph, int caller, int callee, object? value, int entry)
    {
        switch (value)
        {
            case object?[] { Length: 4 } numbers:
                graph.AddEdge(caller, callee, Count(numbers[0], entry, "caller nc"), Count(numbers[1], entry, "caller cc"),
                    Nanoseconds(numbers[2], entry, "caller tt"), Nanoseconds(numbers[3], entry, "caller ct"));
                break;
            case long calls when calls >= 0:
                // The profile module keeps only a count per caller; its times are the callee's, shared out by calls.
                var stats = graph.Functions[callee];
                var share = stats.Calls > 0 ? (double)calls / stats.Calls : 0;
                graph.AddEdge(caller, callee, calls, calls, (long)(stats.OwnNs * share), (long)(stats.TotalNs * share));
                break;
            default:
                throw new InvalidDataException($"entry {entry}: expected (nc, cc, tt, ct) or a count for a caller, found {Describe(value)}");
        }
    }

    private static long ReadCount(MarshalReader reader, int entry, string field)
    {
        if (!reader.TryReadNumber(out _, out var integer, out var isReal)) return Count(reader.Read(), entry, field);
        if (isReal || integer < 0) throw new InvalidDataException($"entry {entry}: {field} should be a count, found {(isReal ? "a float" : integer)}");
        return integer;
    }

    private static long ReadNanoseconds(MarshalReader reader, int entry, string field) =>
        reader.TryReadNumber(out var real, out var integer, out var isReal)
            ? Nanoseconds(isReal ? real : integer, entry, field)
            : Nanoseconds(reader.Read(), entry, field);

    /// <summary>A function's name: a string, or the code object the <c>profile</c> module sometimes puts there.</summary>
    private static string? NameOf(object? value) => value switch
    {
        string name => name,
        MarshalCode code => code.ToString(),
        _ => null,
    };

    private static long Count(object? value, int entry, string field) => value switch
    {
        long count when count >= 0 => count,
        bool flag => flag ? 1 : 0,
        _ => throw new InvalidDataException($"entry {entry}: {field} should be a count, found {Describe(value)}"),
    };

    private static long Nanoseconds(object? value, int entry, string field) => Nanoseconds(value switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidDataException($"entry {entry}: {field} should be a time in seconds, found {Describe(value)}"),
    }, entry, field);

    /// <summary>Seconds to nanoseconds. A negative time (a clock step) counts as zero.</summary>
    private static long Nanoseconds(double seconds, int entry, string field)
    {
        if (double.IsNaN(seconds) || seconds > MaxSeconds) throw new InvalidDataException($"entry {entry}: {field} = {seconds} seconds is not a plausible time");
        return seconds <= 0 ? 0 : (long)Math.Round(seconds * 1e9);
    }

    private static (byte[] Data, int Length) ReadAll(Stream input)
    {
        if (input.CanSeek)
        {
            var size = input.Length - input.Position;
            if (size > MaxFileBytes) throw new InvalidDataException($"the file is {size} bytes; pstats files over {MaxFileBytes} bytes are not read");
            var data = new byte[size];
            input.ReadExactly(data);
            return (data, data.Length);
        }
        using var copy = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (copy.Length + read > MaxFileBytes) throw new InvalidDataException($"pstats files over {MaxFileBytes} bytes are not read");
            copy.Write(buffer, 0, read);
        }
        return (copy.GetBuffer(), (int)copy.Length);
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        object?[] tuple => $"a tuple of {tuple.Length}",
        MarshalDict => "a dict",
        List<object?> => "a list or set",
        string => "a str",
        long => "an int",
        double => "a float",
        bool => "a bool",
        byte[] => "bytes",
        _ => value.ToString() ?? "an unknown value",
    };
}
