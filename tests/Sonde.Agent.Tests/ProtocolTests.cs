using Sonde.Agent.Collection;
using Sonde.Agent.Protocol;
using Sonde.Agent.Tests.Support;
using Sonde.Profiles;

namespace Sonde.Agent.Tests;

/// <summary>The host's side of the protocol, fed frames built by hand as docs/trace.md describes them.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public void DecodesASnapshotIntoFunctionsAndEdges()
    {
        var recorder = NewRecorder();
        Define(recorder, 1, 0, "Parser.parse", "/app/parse.py", 12);
        Define(recorder, 2, 1, "<built-in method time.sleep>", "", 0);
        recorder.Handle(AgentMessageKind.Thread, new PayloadBuilder().U32(0).I64(4321).I64(99).String("MainThread").Build());
        // parse: 10 calls, 4 of them recursive, 0.5 s total, 0.2 s inline; it called sleep 3 times (0.1 s).
        recorder.Handle(AgentMessageKind.Stats, new PayloadBuilder().U32(0).U8(1)
            .Doubles(1, 10, 4, 0.5, 0.2, 1, /* callee */ 2, 3, 0, 0.1, 0.1, /* sleep */ 2, 3, 0, 0.1, 0.1, 0).Build());

        var thread = Assert.Single(recorder.ToResult().Threads);
        Assert.Equal((0, 4321L, "MainThread", true), (thread.Sequence, thread.NativeId, thread.Name, thread.Final));
        var parse = new FunctionKey("Parser.parse", "/app/parse.py", 12);
        var sleep = new FunctionKey("<built-in method time.sleep>", "", 0, FrameKind.Native);
        Assert.Equal([new(parse, 10, 6, 200_000_000, 500_000_000), new(sleep, 3, 3, 100_000_000, 100_000_000)], thread.Functions);
        Assert.Equal([new Sonde.Profiles.CallGraph.CallEdge(parse, sleep, 3, 3, 100_000_000, 100_000_000)], thread.Edges);
    }

    [Fact]
    public void ALaterSnapshotReplacesTheEarlierOne()
    {
        var recorder = NewRecorder();
        Define(recorder, 1, 0, "f", "/a.py", 1);
        recorder.Handle(AgentMessageKind.Stats, new PayloadBuilder().U32(0).U8(0).Doubles(1, 5, 0, 1, 1, 0).Build());
        recorder.Handle(AgentMessageKind.Stats, new PayloadBuilder().U32(0).U8(1).Doubles(1, 8, 0, 2, 2, 0).Build());
        var thread = Assert.Single(recorder.ToResult().Threads);
        Assert.Equal(8, Assert.Single(thread.Functions).Calls);
        Assert.True(thread.Final);
    }

    [Fact]
    public void ASnapshotNamingAnUnknownFunctionIsLeftOutWithTheReason()
    {
        var recorder = NewRecorder();
        recorder.Handle(AgentMessageKind.Stats, new PayloadBuilder().U32(0).U8(1).Doubles(7, 1, 0, 1, 1, 0).Build());
        var process = recorder.ToResult();
        Assert.Empty(process.Threads);
        Assert.Contains("never defined", process.AgentError, StringComparison.Ordinal);
    }

    [Fact]
    public void ASnapshotCutShortIsRejected()
    {
        var recorder = NewRecorder();
        Define(recorder, 1, 0, "f", "/a.py", 1);
        recorder.Handle(AgentMessageKind.Stats, new PayloadBuilder().U32(0).U8(1).Doubles(1, 1, 0, 1, 1, 2, 1, 1).Build());
        Assert.Contains("ends inside", recorder.ToResult().AgentError, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsFramesUntilTheStreamEnds()
    {
        var stream = new MemoryStream(new PayloadBuilder().String("x").Frame(8).Concat(new PayloadBuilder().Frame(7)).ToArray());
        var reader = new AgentFrameReader(stream);
        Assert.Equal(AgentMessageKind.Error, reader.Next()!.Value.Kind);
        Assert.Equal(AgentMessageKind.Bye, reader.Next()!.Value.Kind);
        Assert.Null(reader.Next());
    }

    [Fact]
    public void RefusesTruncatedAndOversizedFrames()
    {
        var frame = new PayloadBuilder().String("hello").Frame(8);
        Assert.Throws<AgentProtocolException>(() => new AgentFrameReader(new MemoryStream(frame[..^2])).Next());
        Assert.Throws<AgentProtocolException>(() => new AgentFrameReader(new MemoryStream(frame[..3])).Next());
        var huge = new PayloadBuilder().U8(4).U32(uint.MaxValue).Build();
        Assert.Throws<AgentProtocolException>(() => new AgentFrameReader(new MemoryStream(huge)).Next());
    }

    [Fact]
    public void RefusesAStringLongerThanItsFrame()
    {
        var recorder = NewRecorder();
        var payload = new PayloadBuilder().U32(0).I64(1).I64(1).U32(1000).Build();
        Assert.Throws<AgentProtocolException>(() => recorder.Handle(AgentMessageKind.Thread, payload));
    }

    [Fact]
    public void ParsesHello()
    {
        var payload = new PayloadBuilder().U16(1).U8(AgentHello.FlagScriptMissing).I32(100).I32(99).U8(3).U8(12).U8(1).I64(1_700_000_000_000_000_000)
            .String("cpython").String("/usr/bin/python3").String("app.py\0--flag").String("3.12.1").Build();
        var hello = AgentHello.Parse(payload);
        Assert.Equal((100, 99, new Version(3, 12, 1)), (hello.ProcessId, hello.ParentProcessId, hello.PythonVersion));
        Assert.True(hello.ScriptMissing);
        Assert.False(hello.Unsupported);
        Assert.Equal(["app.py", "--flag"], hello.Arguments);
    }

    [Fact]
    public void RepliesWithTheOptions()
    {
        var reply = AgentReply.Go(new AgentOptions { Clock = TraceClock.Cpu, Builtins = false, LinePatterns = [new LinePattern("app", "main")] });
        var expected = new PayloadBuilder().U8('G').U32(9 + 4 + 3 + 4 + 4 + 12 + 5).U8(1).U8(0).U8(1).U32(500).U16(1).String("app").String("main")
            .U8(0).U16(16).U32(4096).U32(1000).U8(0).U8(0).U32(512 * 1024).Build();
        Assert.Equal(expected, reply);
    }

    [Fact]
    public void RepliesWithTheMemoryOptions()
    {
        var reply = AgentReply.Go(new AgentOptions
        {
            Mode = AgentMode.Memory, MemoryDepth = 5, SampleThreshold = 0, SnapshotInterval = TimeSpan.FromSeconds(2), Objects = true,
            Tracemalloc = true, SampleBytes = 65536,
        });
        var expected = new PayloadBuilder().U8('G').U32(9 + 12 + 5).U8(0).U8(1).U8(1).U32(500).U16(0).U8(1).U16(5).U32(0).U32(2000).U8(1)
            .U8(1).U32(65536).Build();
        Assert.Equal(expected, reply);
    }

    [Fact]
    public void MemoryStacksNamingAnUndescribedSiteAreRefused()
    {
        var recorder = NewRecorder();
        recorder.Handle(AgentMessageKind.MemorySite, new PayloadBuilder().I32(1).String("f").String("app.py").I32(3).I32(4).Build());
        var good = new PayloadBuilder().U8(2).I64(100).I64(5).U32(1).I64(100).I64(2).U16(1).I32(1).Build();
        recorder.Handle(AgentMessageKind.MemoryStacks, good);
        var leaked = recorder.ToResult().Memory.Stacks[Sonde.Agent.Memory.MemoryStackKind.Leaked];
        Assert.Equal((100L, 2L, "f", 4), (leaked.Stacks[0].Bytes, leaked.Stacks[0].Count, leaked.Stacks[0].Sites[0].Function, leaked.Stacks[0].Sites[0].Line));
        var bad = new PayloadBuilder().U8(1).I64(100).I64(5).U32(1).I64(100).I64(2).U16(1).I32(7).Build();
        Assert.Throws<AgentProtocolException>(() => recorder.Handle(AgentMessageKind.MemoryStacks, bad));
    }

    private static ProcessRecorder NewRecorder() =>
        new(new AgentHello(1, false, false, 100, 1, new Version(3, 12, 1), 0, "cpython", "/usr/bin/python3", [], "3.12.1"), isRoot: true, traced: true);

    private static void Define(ProcessRecorder recorder, int id, int kind, string name, string file, int line) =>
        recorder.Handle(AgentMessageKind.Function, new PayloadBuilder().I32(id).U8(kind).String(name).String(name).String(file).I32(line).Build());
}
