using System.Text.Json;
using Sonde.Profiles;

namespace Sonde.Formats.ChromeTrace;

/// <summary>
/// Turns one thread's samples, in time order, into complete (<c>X</c>) events: a frame opens when a sample
/// first shows it and stays open while the following samples keep it on the stack, so a long-running
/// function is one event, not one per sample. A frame closes when a sample no longer has it, or at the end
/// of the last sample before a gap in which the thread was not seen.
/// </summary>
/// <remarks>
/// Frames close innermost first, but a viewer given events with equal start times nests them in file order,
/// so a thread's events are written once it ends, sorted by start and then by depth: callers first.
/// </remarks>
internal sealed class ThreadTimeline(Utf8JsonWriter json, MergedFrames frames, StackTable stacks)
{
    private readonly List<(int Stack, long StartNs)> _open = [];
    private readonly List<int> _path = [];
    private readonly List<(long StartNs, int Depth, long EndNs, int Stack)> _closed = [];
    private int _processId;
    private long _threadId;
    private long _endNs;

    public void Begin(int processId, long threadId)
    {
        _open.Clear();
        _closed.Clear();
        _processId = processId;
        _threadId = threadId;
        _endNs = long.MinValue;
    }

    /// <summary>
    /// One sample, covering <paramref name="durationNs"/> from <paramref name="startNs"/>. A sample that
    /// starts before the previous one ended (clock jitter, or samples without times) starts when it ended.
    /// </summary>
    public void Add(int mergedStack, long startNs, long durationNs)
    {
        if (startNs < _endNs) startNs = _endNs;
        else if (startNs > _endNs) CloseFrom(0, _endNs);

        _path.Clear();
        for (var s = mergedStack; s != StackTable.Root; s = stacks.ParentOf(s)) _path.Add(s);
        _path.Reverse();
        var common = 0;
        while (common < _open.Count && common < _path.Count && _open[common].Stack == _path[common]) common++;
        CloseFrom(common, startNs);
        for (var depth = common; depth < _path.Count; depth++) _open.Add((_path[depth], startNs));
        _endNs = startNs + durationNs;
    }

    public void End()
    {
        CloseFrom(0, _endNs);
        _closed.Sort();
        foreach (var (startNs, _, endNs, stack) in _closed) WriteEvent(stack, startNs, endNs);
    }

    private void CloseFrom(int depth, long atNs)
    {
        for (var i = _open.Count - 1; i >= depth; i--) _closed.Add((_open[i].StartNs, i, atNs, _open[i].Stack));
        _open.RemoveRange(depth, _open.Count - depth);
    }

    private void WriteEvent(int stack, long startNs, long endNs)
    {
        var frame = frames[stacks.FrameOf(stack)];
        json.WriteStartObject();
        json.WriteString("name", frame.Function);
        json.WriteString("cat", frame.Kind.ToString().ToLowerInvariant());
        json.WriteString("ph", "X");
        json.WriteNumber("ts", startNs / 1000.0);
        json.WriteNumber("dur", (endNs - startNs) / 1000.0);
        json.WriteNumber("pid", _processId);
        json.WriteNumber("tid", _threadId);
        if (frame.File.Length > 0)
        {
            json.WriteStartObject("args");
            json.WriteString("file", frame.File);
            json.WriteNumber("line", frame.DisplayLine);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
