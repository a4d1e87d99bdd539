using System.Text;
using Sonde.Profiles;
using Fields = Sonde.Formats.Pprof.PprofFields;

namespace Sonde.Formats.Pprof;

/// <summary>
/// Decodes an uncompressed profile.proto message into the model. Messages may come in any order (the string
/// table usually comes last), so a first pass notes where each one is and a second pass decodes them.
/// Every reference (string index, function and location id) is checked, and a budget on the frames samples
/// expand to keeps a small file from building a huge model: corrupt input fails with
/// <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class PprofDecoder
{
    /// <summary>More value columns than any real profile has; sample types past it mean a corrupt file.</summary>
    public const int MaxSampleTypes = 256;

    /// <summary>
    /// Frames all samples may expand to, per byte of input. A location costs a byte or two per reference, and
    /// real locations hold one to a few lines, so real files stay far below this.
    /// </summary>
    private const long FramesPerInputByte = 16;

    private readonly byte[] _data;
    private readonly int _length;
    private readonly List<string> _strings = [];
    private readonly List<Range> _sampleTypes = [];
    private readonly List<Range> _samples = [];
    private readonly List<Range> _mappings = [];
    private readonly List<Range> _locations = [];
    private readonly List<Range> _functions = [];
    private readonly List<ulong> _comments = [];
    private Range? _periodType;
    private long _timeNanos;
    private long _durationNanos;
    private long _period;

    private readonly Dictionary<ulong, Frame> _functionsById = [];
    private readonly Dictionary<ulong, string> _mappingFiles = [];
    private readonly Dictionary<ulong, int[]> _locationFrames = [];
    private readonly Dictionary<string, long> _syntheticThreadIds = new(StringComparer.Ordinal);
    private long _frameBudget;

    private PprofDecoder(byte[] data, int length)
    {
        _data = data;
        _length = length;
        _frameBudget = FramesPerInputByte * length + 1_000_000;
    }

    public static Profile Decode(byte[] data, int length) => new PprofDecoder(data, length).Decode();

    private Profile Decode()
    {
        IndexTopLevel();
        var profile = new Profile(DecodeSampleTypes());
        foreach (var range in _mappings) DecodeMapping(Span(range));
        foreach (var range in _functions) DecodeFunction(Span(range));
        foreach (var range in _locations) DecodeLocation(Span(range), profile);
        var sample = new DecodedSample(profile.WeightTypes.Count);
        foreach (var range in _samples) DecodeSample(Span(range), profile, sample);
        DecodeMetadata(profile.Metadata);
        return profile;
    }

    private ReadOnlySpan<byte> Span(Range range) => _data.AsSpan(0, _length)[range];

    private void IndexTopLevel()
    {
        if (_length == 0) throw new InvalidDataException("it is empty");
        var reader = new ProtoReader(_data.AsSpan(0, _length));
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case Fields.Profile.SampleType: _sampleTypes.Add(NextRange(ref reader, type, "a sample type")); break;
                case Fields.Profile.Sample: _samples.Add(NextRange(ref reader, type, "a sample")); break;
                case Fields.Profile.Mapping: _mappings.Add(NextRange(ref reader, type, "a mapping")); break;
                case Fields.Profile.Location: _locations.Add(NextRange(ref reader, type, "a location")); break;
                case Fields.Profile.Function: _functions.Add(NextRange(ref reader, type, "a function")); break;
                case Fields.Profile.StringTable: _strings.Add(Encoding.UTF8.GetString(reader.ReadBytes(type, "the string table"))); break;
                case Fields.Profile.TimeNanos: _timeNanos = reader.ReadInt64(type, "time_nanos"); break;
                case Fields.Profile.DurationNanos: _durationNanos = reader.ReadInt64(type, "duration_nanos"); break;
                case Fields.Profile.PeriodType: _periodType = NextRange(ref reader, type, "the period type"); break;
                case Fields.Profile.Period: _period = reader.ReadInt64(type, "period"); break;
                case Fields.Profile.Comment: reader.ReadRepeated(type, "a comment", _comments); break;
                default: reader.Skip(type); break;
            }
        }
        if (_strings.Count == 0 || _strings[0].Length != 0) throw new InvalidDataException("the string table must start with an empty string");
    }

    private static Range NextRange(ref ProtoReader reader, WireType type, string what)
    {
        var bytes = reader.ReadBytes(type, what);
        return (reader.Position - bytes.Length)..reader.Position;
    }

    private WeightType[] DecodeSampleTypes()
    {
        if (_sampleTypes.Count == 0) throw new InvalidDataException("it declares no sample types");
        if (_sampleTypes.Count > MaxSampleTypes)
            throw new InvalidDataException($"it declares {_sampleTypes.Count} sample types, more than the {MaxSampleTypes} Sonde accepts");
        var types = new WeightType[_sampleTypes.Count];
        for (var i = 0; i < types.Length; i++) types[i] = DecodeValueType(Span(_sampleTypes[i]));
        return types;
    }

    private WeightType DecodeValueType(ReadOnlySpan<byte> message)
    {
        string type = "", unit = "";
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case Fields.ValueType.Type: type = String(reader.ReadInt64(wire, "a value type's name")); break;
                case Fields.ValueType.Unit: unit = String(reader.ReadInt64(wire, "a value type's unit")); break;
                default: reader.Skip(wire); break;
            }
        }
        return new WeightType(type, unit);
    }

    private void DecodeMapping(ReadOnlySpan<byte> message)
    {
        ulong id = 0;
        var file = "";
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case Fields.Mapping.Id: id = (ulong)reader.ReadInt64(wire, "a mapping id"); break;
                case Fields.Mapping.Filename: file = String(reader.ReadInt64(wire, "a mapping's file name")); break;
                default: reader.Skip(wire); break;
            }
        }
        if (!_mappingFiles.TryAdd(id, file)) throw new InvalidDataException($"mapping id {id} appears twice");
    }

    private void DecodeFunction(ReadOnlySpan<byte> message)
    {
        ulong id = 0;
        string name = "", file = "";
        long startLine = 0;
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case Fields.Function.Id: id = (ulong)reader.ReadInt64(wire, "a function id"); break;
                case Fields.Function.Name: name = String(reader.ReadInt64(wire, "a function name")); break;
                case Fields.Function.Filename: file = String(reader.ReadInt64(wire, "a function's file name")); break;
                case Fields.Function.StartLine: startLine = reader.ReadInt64(wire, "a function's start line"); break;
                default: reader.Skip(wire); break;
            }
        }
        if (!_functionsById.TryAdd(id, new Frame(name, file, LineNumber(startLine))))
            throw new InvalidDataException($"function id {id} appears twice");
    }

    /// <summary>A location's frames, outermost first: its lines reversed, since line[0] is the innermost inlined call.</summary>
    private void DecodeLocation(ReadOnlySpan<byte> message, Profile profile)
    {
        ulong id = 0, mappingId = 0, address = 0;
        var frames = new List<int>();
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case Fields.Location.Id: id = (ulong)reader.ReadInt64(wire, "a location id"); break;
                case Fields.Location.MappingId: mappingId = (ulong)reader.ReadInt64(wire, "a location's mapping id"); break;
                case Fields.Location.Address: address = (ulong)reader.ReadInt64(wire, "a location's address"); break;
                case Fields.Location.Line: frames.Add(profile.Frames.Intern(DecodeLine(reader.ReadBytes(wire, "a location's line"), address))); break;
                default: reader.Skip(wire); break;
            }
        }
        if (frames.Count == 0)
        {
            // Not symbolized: all that is known is the address and the binary it falls in.
            var binary = _mappingFiles.GetValueOrDefault(mappingId, "");
            frames.Add(profile.Frames.Intern(new Frame($"0x{address:x}", binary, 0, 0, FrameKind.Native)));
        }
        frames.Reverse();
        if (!_locationFrames.TryAdd(id, frames.ToArray())) throw new InvalidDataException($"location id {id} appears twice");
    }

    private Frame DecodeLine(ReadOnlySpan<byte> message, ulong address)
    {
        ulong functionId = 0;
        long line = 0;
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case Fields.Line.FunctionId: functionId = (ulong)reader.ReadInt64(wire, "a line's function id"); break;
                case Fields.Line.LineNumber: line = reader.ReadInt64(wire, "a line number"); break;
                default: reader.Skip(wire); break;
            }
        }
        if (functionId == 0) return new Frame($"0x{address:x}", "", 0, LineNumber(line), FrameKind.Native);
        if (!_functionsById.TryGetValue(functionId, out var function))
            throw new InvalidDataException($"a location refers to function id {functionId}, which the file does not have");
        return function with { Line = LineNumber(line) };
    }

    private void DecodeSample(ReadOnlySpan<byte> message, Profile profile, DecodedSample sample)
    {
        sample.Clear();
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case Fields.Sample.LocationId: reader.ReadRepeated(wire, "a sample's location ids", sample.Locations); break;
                case Fields.Sample.Value: reader.ReadRepeated(wire, "a sample's values", sample.Values); break;
                case Fields.Sample.Label: DecodeLabel(reader.ReadBytes(wire, "a sample label"), sample); break;
                default: reader.Skip(wire); break;
            }
        }
        if (sample.Values.Count != sample.Weights.Length)
            throw new InvalidDataException($"a sample has {sample.Values.Count} values but the file declares {sample.Weights.Length} sample types");
        for (var i = 0; i < sample.Weights.Length; i++) sample.Weights[i] = (long)sample.Values[i];

        var stack = StackTable.Root;
        for (var i = sample.Locations.Count - 1; i >= 0; i--)
        {
            if (!_locationFrames.TryGetValue(sample.Locations[i], out var frames))
                throw new InvalidDataException($"a sample refers to location id {sample.Locations[i]}, which the file does not have");
            _frameBudget -= frames.Length;
            if (_frameBudget < 0) throw new InvalidDataException("its samples expand to far more frames than a file of its size can hold");
            foreach (var frame in frames) stack = profile.Stacks.Intern(stack, frame);
        }
        profile.AddSample(stack, ThreadIndex(profile, sample), 0, sample.Weights);
    }

    private void DecodeLabel(ReadOnlySpan<byte> message, DecodedSample sample)
    {
        string key = "", text = "";
        long number = 0;
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case Fields.Label.Key: key = String(reader.ReadInt64(wire, "a label key")); break;
                case Fields.Label.Str: text = String(reader.ReadInt64(wire, "a label value")); break;
                case Fields.Label.Num: number = reader.ReadInt64(wire, "a label number"); break;
                default: reader.Skip(wire); break;
            }
        }
        switch (key)
        {
            case PprofConventions.ThreadLabel: sample.ThreadName = text; break;
            case PprofConventions.ThreadIdLabel: sample.ThreadId = number; break;
            case PprofConventions.ProcessIdLabel: sample.ProcessId = number; break;
        }
    }

    /// <summary>
    /// The sample's thread from its labels. A thread named without an id gets a made-up negative id per name, so
    /// threads stay apart; samples without thread labels all go to one thread named <c>all</c>.
    /// </summary>
    private int ThreadIndex(Profile profile, DecodedSample sample)
    {
        var name = sample.ThreadName ?? "all";
        var threadId = sample.ThreadId;
        if (threadId is null && sample.ThreadName is not null)
        {
            if (!_syntheticThreadIds.TryGetValue(name, out var synthetic))
                _syntheticThreadIds.Add(name, synthetic = -1 - _syntheticThreadIds.Count);
            threadId = synthetic;
        }
        var processId = sample.ProcessId is >= int.MinValue and <= int.MaxValue ? (int)sample.ProcessId : 0;
        return profile.ThreadIndex(processId, threadId ?? 0, name);
    }

    private void DecodeMetadata(ProfileMetadata metadata)
    {
        if (_timeNanos != 0)
        {
            var ticks = _timeNanos / 100;
            if (ticks > DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.Ticks || ticks < -DateTimeOffset.UnixEpoch.Ticks)
                throw new InvalidDataException($"time_nanos {_timeNanos} is not a date");
            metadata.StartTime = DateTimeOffset.UnixEpoch.AddTicks(ticks);
        }
        if (_durationNanos < 0) throw new InvalidDataException($"duration_nanos {_durationNanos} is negative");
        metadata.Duration = TimeSpan.FromTicks(_durationNanos / 100);

        if (_period > 0 && _periodType is { } periodType)
        {
            var perSecond = DecodeValueType(Span(periodType)).Unit switch
            {
                "nanoseconds" => 1e9,
                "microseconds" => 1e6,
                "milliseconds" => 1e3,
                "seconds" => 1.0,
                _ => 0,
            };
            metadata.Sampler.RequestedRateHz = perSecond / _period;
        }

        foreach (var index in _comments)
        {
            if (!PprofConventions.TryParseComment(String((long)index), out var key, out var value)) continue;
            switch (key)
            {
                case PprofConventions.CommandComment: metadata.Command = value; break;
                case PprofConventions.ProcessIdComment when int.TryParse(value, out var pid): metadata.ProcessId = pid; break;
                case PprofConventions.PythonComment: metadata.PythonVersion = value; break;
                case PprofConventions.HostComment: metadata.Host = value; break;
            }
        }
    }

    private string String(long index)
    {
        if (index < 0 || index >= _strings.Count)
            throw new InvalidDataException($"string index {index} is outside the string table of {_strings.Count} entries");
        return _strings[(int)index];
    }

    private static int LineNumber(long line)
    {
        if (line is < 0 or > int.MaxValue) throw new InvalidDataException($"line number {line} is out of range");
        return (int)line;
    }
}
