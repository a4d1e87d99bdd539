using Sonde.Agent.Protocol;
using Sonde.Profiles;
using Sonde.Profiles.CallGraph;

namespace Sonde.Agent.Collection;

/// <summary>
/// Keeps what one process's agent sends: its function and thread tables, and the latest snapshot of each thread
/// (snapshots are cumulative, so a newer one replaces the older). Decodes the snapshots when asked for the result.
/// One reader thread feeds it; a lock lets the result be taken while a process that outlived the command still
/// reports.
/// </summary>
internal sealed class ProcessRecorder(AgentHello hello, bool isRoot, bool traced)
{
    private readonly Dictionary<int, FunctionKey> _functions = [];
    private readonly Dictionary<int, ThreadState> _threads = [];
    private readonly Dictionary<int, TracedLineFunction> _lineFunctions = [];
    private readonly object _gate = new();
    private readonly MemoryRecorder _memory = new();
    private ProcessEnd _end = ProcessEnd.Lost;
    private int _endStatus;
    private string? _error;

    public AgentHello Hello { get; } = hello;

    public void Handle(AgentMessageKind kind, byte[] payload)
    {
        lock (_gate) HandleLocked(kind, payload);
    }

    private void HandleLocked(AgentMessageKind kind, byte[] payload)
    {
        var reader = new PayloadReader(payload);
        switch (kind)
        {
            case AgentMessageKind.Function:
                ReadFunction(ref reader);
                break;
            case AgentMessageKind.Thread:
                var sequence = (int)reader.U32();
                var nativeId = reader.I64();
                reader.I64();
                State(sequence).Announce(nativeId, reader.String());
                break;
            case AgentMessageKind.Stats:
                var thread = State((int)reader.U32());
                thread.Final = reader.U8() != 0;
                thread.Stats = reader.Doubles(reader.Count(8));
                break;
            case AgentMessageKind.LineFunction:
                ReadLineFunction(ref reader);
                break;
            case AgentMessageKind.Lines:
                var lines = State((int)reader.U32());
                lines.Lines = reader.Int64s(reader.Count(32) * 4);
                break;
            case AgentMessageKind.Bye:
                var reason = reader.U8();
                _end = reason <= 2 ? (ProcessEnd)(reason + 1) : ProcessEnd.Lost;
                _endStatus = reader.I32();
                break;
            case >= AgentMessageKind.MemorySite and <= AgentMessageKind.ObjectChain:
                _memory.Handle(kind, ref reader);
                break;
            case AgentMessageKind.Error:
                _error = "the agent stopped: " + reader.String();
                break;
            default:
                throw new AgentProtocolException($"unknown frame kind {(int)kind}");
        }
    }

    /// <summary>The stream broke or carried something that doesn't decode.</summary>
    public void Fail(string message)
    {
        lock (_gate) _error ??= message;
    }

    /// <summary>What was received so far. A thread whose snapshot doesn't decode is left out, with the reason.</summary>
    public TracedProcess ToResult()
    {
        lock (_gate) return ToResultLocked();
    }

    private TracedProcess ToResultLocked()
    {
        var threads = new List<TracedThread>();
        foreach (var (sequence, state) in _threads.OrderBy(t => t.Key))
        {
            try
            {
                threads.Add(state.ToResult(sequence, this));
            }
            catch (AgentProtocolException e)
            {
                _error ??= $"thread {sequence}'s statistics don't decode: {e.Message}";
            }
        }
        var process = new TracedProcess(Hello.ProcessId, Hello.ParentProcessId, isRoot, traced,
            traced ? Hello.PythonVersion.ToString(3) : Hello.Description, Hello.Executable, Hello.Arguments,
            DateTimeOffset.FromUnixTimeMilliseconds(Hello.StartUnixNs / 1_000_000))
        {
            End = _end,
            EndStatus = _endStatus,
            AgentError = _error,
            LineFunctions = _lineFunctions.Values.ToList(),
            Threads = threads,
            Memory = _memory.ToResult(),
        };
        return process;
    }

    private void ReadFunction(ref PayloadReader reader)
    {
        var id = reader.I32();
        var kind = reader.U8();
        reader.String();
        var qualname = reader.String();
        var file = reader.String();
        var firstLine = reader.I32();
        // Built-ins are C functions with no file: native frames, as pstats files have them.
        _functions[id] = kind == 1 ? new FunctionKey(qualname, "", 0, FrameKind.Native) : new FunctionKey(qualname, file, firstLine);
    }

    private void ReadLineFunction(ref PayloadReader reader)
    {
        var id = (int)reader.U32();
        var qualname = reader.String();
        var file = reader.String();
        var firstLine = reader.I32();
        var patterns = new int[reader.U16()];
        for (var i = 0; i < patterns.Length; i++) patterns[i] = reader.U16();
        var source = new string[reader.Count(4)];
        for (var i = 0; i < source.Length; i++) source[i] = reader.String();
        _lineFunctions[id] = new TracedLineFunction(new FunctionKey(qualname, file, firstLine), patterns, source);
    }

    private ThreadState State(int sequence)
    {
        if (!_threads.TryGetValue(sequence, out var state)) _threads.Add(sequence, state = new ThreadState());
        return state;
    }

    private FunctionKey Function(double id) =>
        _functions.TryGetValue((int)id, out var key) ? key : throw new AgentProtocolException($"statistics name function {id}, which was never defined");

    private sealed class ThreadState
    {
        private long _nativeId;
        private string _name = "";

        public bool Final { get; set; }
        public double[] Stats { get; set; } = [];
        public long[] Lines { get; set; } = [];

        public void Announce(long nativeId, string name)
        {
            _nativeId = nativeId;
            _name = name;
        }

        /// <summary>
        /// Decodes the snapshot: per function its id, calls, recursive calls, total and inline seconds and callee
        /// count, then per callee the same five numbers for the calls from this function.
        /// </summary>
        public TracedThread ToResult(int sequence, ProcessRecorder owner)
        {
            var functions = new List<FunctionCallStats>();
            var edges = new List<CallEdge>();
            var s = Stats;
            var i = 0;
            while (i + 6 <= s.Length)
            {
                var function = owner.Function(s[i]);
                functions.Add(new FunctionCallStats(function, (long)s[i + 1], (long)(s[i + 1] - s[i + 2]), Nanoseconds(s[i + 4]), Nanoseconds(s[i + 3])));
                var callees = (int)s[i + 5];
                i += 6;
                if (callees < 0 || i + callees * 5 > s.Length) throw new AgentProtocolException("a snapshot ends inside a function's callees");
                for (var c = 0; c < callees; c++, i += 5)
                    edges.Add(new CallEdge(function, owner.Function(s[i]), (long)s[i + 1], (long)(s[i + 1] - s[i + 2]), Nanoseconds(s[i + 4]), Nanoseconds(s[i + 3])));
            }
            if (i != s.Length) throw new AgentProtocolException("a snapshot ends inside a function");

            var lines = new List<TracedLine>();
            for (var l = 0; l + 4 <= Lines.Length; l += 4)
            {
                if (!owner._lineFunctions.TryGetValue((int)Lines[l], out var lineFunction))
                    throw new AgentProtocolException($"line timings name function {Lines[l]}, which was never described");
                lines.Add(new TracedLine(lineFunction, (int)Lines[l + 1], Lines[l + 2], Lines[l + 3]));
            }
            return new TracedThread(sequence, _nativeId, _name, Final, functions, edges, lines);
        }

        private static long Nanoseconds(double seconds) => (long)Math.Round(seconds * 1e9);
    }
}
