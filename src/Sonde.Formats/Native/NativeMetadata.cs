using System.Globalization;
using Sonde.Profiles;

namespace Sonde.Formats.Native;

/// <summary>
/// The metadata block: the weight types, then the profile's metadata as string pairs under fixed keys
/// (listed in docs/formats.md); <see cref="ProfileMetadata.Properties"/> travel under <c>prop.</c> keys.
/// </summary>
internal static class NativeMetadata
{
    private const string PropertyPrefix = "prop.";

    public static void Encode(Profile profile, ByteBuffer buffer)
    {
        buffer.WriteVarint(profile.WeightTypes.Count);
        foreach (var type in profile.WeightTypes)
        {
            buffer.WriteString(type.Name);
            buffer.WriteString(type.Unit);
        }

        var pairs = Pairs(profile.Metadata);
        buffer.WriteVarint(pairs.Count);
        foreach (var (key, value) in pairs)
        {
            buffer.WriteString(key);
            buffer.WriteString(value);
        }
    }

    public static WeightType[] DecodeWeightTypes(ref ByteReader reader)
    {
        var count = reader.ReadCount(minBytesEach: 2);
        if (count == 0) throw new InvalidDataException("the metadata block declares no weight types");
        var types = new WeightType[count];
        for (var i = 0; i < count; i++) types[i] = new WeightType(reader.ReadString(), reader.ReadString());
        return types;
    }

    /// <summary>Applies the pairs that follow the weight types; unknown keys are kept as properties.</summary>
    public static void DecodePairs(ref ByteReader reader, ProfileMetadata metadata)
    {
        var count = reader.ReadCount(minBytesEach: 2);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var value = reader.ReadString();
            Apply(metadata, key, value);
        }
    }

    private static List<(string Key, string Value)> Pairs(ProfileMetadata metadata)
    {
        var pairs = new List<(string, string)>
        {
            ("mode", metadata.Mode.ToString().ToLowerInvariant()),
            ("start", metadata.StartTime.ToString("o", CultureInfo.InvariantCulture)),
            ("duration-ns", Integer(Math.Min(metadata.Duration.Ticks, long.MaxValue / 100) * 100)),
        };
        if (metadata.Command is not null) pairs.Add(("command", metadata.Command));
        if (metadata.ProcessId is { } pid) pairs.Add(("pid", Integer(pid)));
        if (metadata.PythonVersion is not null) pairs.Add(("python.version", metadata.PythonVersion));
        if (metadata.PythonPath is not null) pairs.Add(("python.path", metadata.PythonPath));
        if (metadata.Host is not null) pairs.Add(("host", metadata.Host));
        if (metadata.GitCommit is not null) pairs.Add(("git.commit", metadata.GitCommit));
        var sampler = metadata.Sampler;
        pairs.Add(("sampler.ticks", Integer(sampler.Ticks)));
        pairs.Add(("sampler.samples", Integer(sampler.Samples)));
        pairs.Add(("sampler.errors", Integer(sampler.Errors)));
        pairs.Add(("sampler.late", Integer(sampler.Late)));
        pairs.Add(("sampler.cpu-ns", Integer(sampler.CpuTimeNs)));
        if (sampler.ReadingCpuTimeNs != 0) pairs.Add(("sampler.reading-cpu-ns", Integer(sampler.ReadingCpuTimeNs)));
        pairs.Add(("sampler.rate-requested-hz", Real(sampler.RequestedRateHz)));
        pairs.Add(("sampler.rate-achieved-hz", Real(sampler.AchievedRateHz)));
        foreach (var key in metadata.Properties.Keys.Order(StringComparer.Ordinal))
            pairs.Add((PropertyPrefix + key, metadata.Properties[key]));
        return pairs;
    }

    private static void Apply(ProfileMetadata metadata, string key, string value)
    {
        switch (key)
        {
            case "mode": metadata.Mode = ParseMode(value); break;
            case "start": metadata.StartTime = ParseTime(value); break;
            case "duration-ns": metadata.Duration = TimeSpan.FromTicks(ParseLong(key, value) / 100); break;
            case "command": metadata.Command = value; break;
            case "pid": metadata.ProcessId = checked((int)ParseLong(key, value)); break;
            case "python.version": metadata.PythonVersion = value; break;
            case "python.path": metadata.PythonPath = value; break;
            case "host": metadata.Host = value; break;
            case "git.commit": metadata.GitCommit = value; break;
            case "sampler.ticks": metadata.Sampler.Ticks = ParseLong(key, value); break;
            case "sampler.samples": metadata.Sampler.Samples = ParseLong(key, value); break;
            case "sampler.errors": metadata.Sampler.Errors = ParseLong(key, value); break;
            case "sampler.late": metadata.Sampler.Late = ParseLong(key, value); break;
            case "sampler.cpu-ns": metadata.Sampler.CpuTimeNs = ParseLong(key, value); break;
            case "sampler.reading-cpu-ns": metadata.Sampler.ReadingCpuTimeNs = ParseLong(key, value); break;
            case "sampler.rate-requested-hz": metadata.Sampler.RequestedRateHz = ParseReal(key, value); break;
            case "sampler.rate-achieved-hz": metadata.Sampler.AchievedRateHz = ParseReal(key, value); break;
            default:
                metadata.Properties[key.StartsWith(PropertyPrefix, StringComparison.Ordinal) ? key[PropertyPrefix.Length..] : key] = value;
                break;
        }
    }

    private static ProfileMode ParseMode(string value) => value switch
    {
        "sampling" => ProfileMode.Sampling,
        "tracing" => ProfileMode.Tracing,
        "memory" => ProfileMode.Memory,
        _ => throw new InvalidDataException($"unknown profile mode '{ErrorText.Quote(value)}'"),
    };

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.TryParseExact(value, "o", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new InvalidDataException($"the start time '{ErrorText.Quote(value)}' is not an ISO 8601 time");

    private static long ParseLong(string key, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new InvalidDataException($"metadata '{key}' should be a non-negative integer, not '{ErrorText.Quote(value)}'");

    private static double ParseReal(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new InvalidDataException($"metadata '{key}' should be a number, not '{ErrorText.Quote(value)}'");

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
