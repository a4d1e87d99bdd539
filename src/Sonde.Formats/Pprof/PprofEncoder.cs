using System.Globalization;
using System.Runtime.InteropServices;
using Sonde.Profiles;
using Fields = Sonde.Formats.Pprof.PprofFields;

namespace Sonde.Formats.Pprof;

/// <summary>
/// Encodes a profile as an uncompressed profile.proto message. Samples are summed per thread and stack
/// (<see cref="StackSums"/>); locations, functions and strings get ids in the order samples first use
/// them, so the same profile always gives the same bytes.
/// </summary>
internal sealed class PprofEncoder
{
    private readonly Profile _profile;
    private readonly WriteOptions _options;
    private readonly MergedFrames _frames;
    private readonly PprofStringTable _strings = new();
    private readonly Dictionary<FunctionKey, ulong> _functionIds = [];
    private readonly Dictionary<int, ulong> _locationIds = [];
    private readonly ProtoWriter _locations = new();
    private readonly ProtoWriter _functions = new();
    private readonly ProtoWriter _message = new();
    private readonly ProtoWriter _inner = new();

    private PprofEncoder(Profile profile, WriteOptions options)
    {
        _profile = profile;
        _options = options;
        _frames = new MergedFrames(profile, options.Lines);
    }

    public static byte[] Encode(Profile profile, WriteOptions options) => new PprofEncoder(profile, options).Encode();

    private byte[] Encode()
    {
        var body = new ProtoWriter();
        foreach (var type in _profile.WeightTypes) body.WriteMessage(Fields.Profile.SampleType, ValueType(type.Name, type.Unit));
        WriteSamples(body);
        body.Append(_locations);
        body.Append(_functions);
        WriteMetadata(body);
        // Last, once everything above has interned its strings.
        foreach (var text in _strings.All) body.WriteString(Fields.Profile.StringTable, text);
        return body.Written.ToArray();
    }

    private void WriteSamples(ProtoWriter body)
    {
        var stacks = new MergedStacks(_profile, _frames);
        var sums = StackSums.Collect(_profile, stacks, byThread: true);
        var locations = new List<ulong>();
        for (var entry = 0; entry < sums.Count; entry++)
        {
            var thread = sums.ThreadOf(entry);
            locations.Clear();
            for (var s = sums.StackOf(entry); s != StackTable.Root; s = stacks.Table.ParentOf(s)) locations.Add(LocationId(stacks.Table.FrameOf(s)));
            if (_options.ThreadRoots) locations.Add(LocationId(_frames.OfThread(thread)));

            _message.Clear();
            _message.WritePacked(Fields.Sample.LocationId, CollectionsMarshal.AsSpan(locations));
            _message.WritePacked(Fields.Sample.Value, sums.WeightsOf(entry));
            var info = _profile.Threads[thread];
            WriteLabel(_message, PprofConventions.ThreadLabel, info.Name);
            WriteLabel(_message, PprofConventions.ThreadIdLabel, info.ThreadId);
            WriteLabel(_message, PprofConventions.ProcessIdLabel, info.ProcessId);
            body.WriteMessage(Fields.Profile.Sample, _message);
        }
    }

    private void WriteLabel(ProtoWriter sample, string key, string text)
    {
        _inner.Clear();
        _inner.WriteInt64(Fields.Label.Key, _strings.Index(key));
        _inner.WriteInt64(Fields.Label.Str, _strings.Index(text));
        sample.WriteMessage(Fields.Sample.Label, _inner);
    }

    private void WriteLabel(ProtoWriter sample, string key, long number)
    {
        _inner.Clear();
        _inner.WriteInt64(Fields.Label.Key, _strings.Index(key));
        _inner.WriteInt64(Fields.Label.Num, number);
        sample.WriteMessage(Fields.Sample.Label, _inner);
    }

    /// <summary>The location of a merged frame, written on first use with one line: the frame's line.</summary>
    private ulong LocationId(int frameId)
    {
        if (_locationIds.TryGetValue(frameId, out var id)) return id;
        id = (ulong)_locationIds.Count + 1;
        _locationIds.Add(frameId, id);

        var frame = _frames[frameId];
        _inner.Clear();
        _inner.WriteUInt64(Fields.Line.FunctionId, FunctionId(frame));
        // Without --lines a frame stands for the whole function, which pprof can only show at one line.
        _inner.WriteInt64(Fields.Line.LineNumber, frame.DisplayLine);
        var location = new ProtoWriter();
        location.WriteUInt64(Fields.Location.Id, id);
        location.WriteMessage(Fields.Location.Line, _inner);
        _locations.WriteMessage(Fields.Profile.Location, location);
        return id;
    }

    private ulong FunctionId(Frame frame)
    {
        var key = frame.FunctionKey;
        if (_functionIds.TryGetValue(key, out var id)) return id;
        id = (ulong)_functionIds.Count + 1;
        _functionIds.Add(key, id);

        var function = new ProtoWriter();
        function.WriteUInt64(Fields.Function.Id, id);
        // No system name: when it equals the name, pprof takes the name for an undemangled C++ symbol and strips
        // anything in angle brackets, so <module> and <lambda> would show as <unknown>.
        function.WriteInt64(Fields.Function.Name, _strings.Index(frame.Function));
        function.WriteInt64(Fields.Function.Filename, _strings.Index(frame.File));
        function.WriteInt64(Fields.Function.StartLine, frame.FirstLine);
        _functions.WriteMessage(Fields.Profile.Function, function);
        return id;
    }

    private void WriteMetadata(ProtoWriter body)
    {
        var metadata = _profile.Metadata;
        if (metadata.StartTime != default)
            body.WriteInt64(Fields.Profile.TimeNanos, (metadata.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) * 100);
        body.WriteInt64(Fields.Profile.DurationNanos, metadata.Duration.Ticks * 100);

        if (metadata.Sampler.RequestedRateHz > 0)
        {
            var time = _profile.WeightTypes.FirstOrDefault(t => t.IsTime);
            body.WriteMessage(Fields.Profile.PeriodType,
                ValueType(time?.Name ?? PprofConventions.PeriodType, time?.Unit ?? PprofConventions.PeriodUnit));
            body.WriteInt64(Fields.Profile.Period, (long)Math.Round(1e9 / metadata.Sampler.RequestedRateHz));
        }

        var comments = new List<long>();
        void Comment(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) comments.Add(_strings.Index(PprofConventions.Comment(key, value)));
        }
        Comment(PprofConventions.CommandComment, metadata.Command);
        Comment(PprofConventions.ProcessIdComment, metadata.ProcessId?.ToString(CultureInfo.InvariantCulture));
        Comment(PprofConventions.PythonComment, metadata.PythonVersion);
        Comment(PprofConventions.HostComment, metadata.Host);
        body.WritePacked(Fields.Profile.Comment, CollectionsMarshal.AsSpan(comments));

        body.WriteInt64(Fields.Profile.DefaultSampleType, _strings.Index(_profile.WeightTypes[_options.WeightIndex].Name));
    }

    private ProtoWriter ValueType(string type, string unit)
    {
        var message = new ProtoWriter();
        message.WriteInt64(Fields.ValueType.Type, _strings.Index(type));
        message.WriteInt64(Fields.ValueType.Unit, _strings.Index(unit));
        return message;
    }
}
