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
    public const long MaxFileBytes = 1L << 30;

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
        var root = new MarshalReader(data, length).Read();
        if (root is not MarshalDict entries) throw new InvalidDataException($"expected a dict of functions, found {Describe(root)}");

        // Later duplicates replace earlier ones, as they do when Python builds the dict.
        var functions = new Dictionary<FunctionKey, (FunctionCallStats Stats, MarshalDict? Callers)>(entries.Items.Count);
        for (var i = 0; i < entries.Items.Count; i++)
        {
            var (key, value) = entries.Items[i];
            var function = ParseKey(key, i);
            if (value is not object?[] { Length: 5 } stats)
                throw new InvalidDataException($"entry {i} ({function.PstatsLabel}): expected (cc, nc, tt, ct, callers), found {Describe(value)}");
            var primitive = Count(stats[0], i, "cc");
            var calls = Count(stats[1], i, "nc");
            var callers = stats[4] switch
            {
                MarshalDict dict => dict,
                null => null,
                var other => throw new InvalidDataException($"entry {i}: expected a dict of callers, found {Describe(other)}"),
            };
            functions[function] = (new FunctionCallStats(function, calls, primitive, Nanoseconds(stats[2], i, "tt"), Nanoseconds(stats[3], i, "ct")), callers);
        }

        var graph = new CallGraphData();
        foreach (var (stats, _) in functions.Values) graph.Add(stats);
        var entry = -1;
        foreach (var (stats, callers) in functions.Values)
        {
            entry++;
            if (callers is null) continue;
            foreach (var (callerKey, edgeValue) in callers.Items)
                graph.Add(ParseEdge(ParseKey(callerKey, entry), stats, edgeValue, entry));
        }

        var profile = new Profile(WeightType.WallTime, WeightType.Calls);
        profile.Metadata.Mode = ProfileMode.Tracing;
        profile.Metadata.Duration = TimeSpan.FromTicks(graph.TotalOwnNs / 100);
        profile.CallGraph = graph;
        CallGraphStacks.AddSamples(profile, graph, profile.ThreadIndex(0, 0, "cProfile"));
        return profile;
    }

    private static CallEdge ParseEdge(FunctionKey caller, FunctionCallStats callee, object? value, int entry)
    {
        switch (value)
        {
            case object?[] { Length: 4 } tuple:
                return new CallEdge(caller, callee.Function, Count(tuple[0], entry, "caller nc"), Count(tuple[1], entry, "caller cc"),
                    Nanoseconds(tuple[2], entry, "caller tt"), Nanoseconds(tuple[3], entry, "caller ct"));
            case long calls when calls >= 0:
                // The profile module keeps only a count per caller; its times are the callee's, shared out by calls.
                var share = callee.Calls > 0 ? (double)calls / callee.Calls : 0;
                return new CallEdge(caller, callee.Function, calls, calls, (long)(callee.OwnNs * share), (long)(callee.TotalNs * share));
            default:
                throw new InvalidDataException($"entry {entry}: expected (nc, cc, tt, ct) or a count for a caller, found {Describe(value)}");
        }
    }

    private static FunctionKey ParseKey(object? key, int entry)
    {
        if (key is object?[] { Length: 3 } tuple && tuple[0] is string file && tuple[1] is long line && tuple[2] is string name)
        {
            if (line is < 0 or > int.MaxValue) throw new InvalidDataException($"entry {entry}: line number {line} out of range");
            return PstatsKeys.ToFunctionKey(file, (int)line, name);
        }
        throw new InvalidDataException($"entry {entry}: expected a (file, line, function) key, found {Describe(key)}");
    }

    private static long Count(object? value, int entry, string field) => value switch
    {
        long count when count >= 0 => count,
        bool flag => flag ? 1 : 0,
        _ => throw new InvalidDataException($"entry {entry}: {field} should be a count, found {Describe(value)}"),
    };

    /// <summary>Seconds to nanoseconds. A negative time (a clock step) counts as zero.</summary>
    private static long Nanoseconds(object? value, int entry, string field)
    {
        var seconds = value switch
        {
            double d => d,
            long l => l,
            bool b => b ? 1 : 0,
            _ => throw new InvalidDataException($"entry {entry}: {field} should be a time in seconds, found {Describe(value)}"),
        };
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
