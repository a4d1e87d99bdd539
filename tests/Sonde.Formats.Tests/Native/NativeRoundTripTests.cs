using Sonde.Formats.Native;
using Sonde.Formats.Tests.Fuzz;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Tests.Native;

public sealed class NativeRoundTripTests
{
    private static byte[] Write(Profile profile)
    {
        using var output = new MemoryStream();
        new NativeWriter().Write(profile, output, WriteOptions.Default);
        return output.ToArray();
    }

    private static Profile Read(byte[] bytes) => new NativeReader().Read(new MemoryStream(bytes), "test.sonde");

    [Fact]
    public void A_profile_reads_back_identical()
    {
        var profile = RichProfile.Create(repeat: 3);

        var back = Read(Write(profile));

        ProfileAssert.Identical(profile, back);
        Assert.False(back.Metadata.Properties.ContainsKey(NativeReader.RecoveredProperty));
    }

    [Fact]
    public void Per_thread_call_graphs_and_line_timings_read_back_exactly()
    {
        var profile = new Profile(WeightType.WallTime, WeightType.Calls);
        var main = profile.ThreadIndex(100, 1, "MainThread");
        var worker = profile.ThreadIndex(100, 2, "worker");
        var parse = new FunctionKey("Parser.parse", "/app/parse.py", 12);
        var sleep = new FunctionKey("<built-in method time.sleep>", "", 0, FrameKind.Native);
        profile.CallGraph = new Sonde.Profiles.CallGraph.CallGraphData();
        foreach (var (thread, calls) in new[] { (main, 10L), (worker, 7L) })
        {
            var graph = new Sonde.Profiles.CallGraph.CallGraphData();
            graph.Add(new Sonde.Profiles.CallGraph.FunctionCallStats(parse, calls, calls - 3, 200 * calls, 500 * calls));
            graph.Add(new Sonde.Profiles.CallGraph.CallEdge(parse, sleep, 3, 3, 90, 90));
            profile.ThreadCallGraphs[thread] = graph;
            foreach (var f in graph.Functions) profile.CallGraph.Add(f);
            foreach (var e in graph.Edges) profile.CallGraph.Add(e);
        }
        profile.LineTimings = new Sonde.Profiles.Lines.LineTimingData();
        profile.LineTimings.Add(new Sonde.Profiles.Lines.FunctionLineTimings(parse, worker, [new(13, 4, 400), new(14, 2, -1)], ["def parse(self):", "    a = 1", "    b = 'ünïcode'"]));
        profile.LineTimings.Add(new Sonde.Profiles.Lines.FunctionLineTimings(parse, -1, [new(13, 1, 1)], []));

        var back = Read(Write(profile));

        Assert.Equal(profile.ThreadCallGraphs.Keys.Order(), back.ThreadCallGraphs.Keys.Order());
        foreach (var (thread, graph) in profile.ThreadCallGraphs)
        {
            Assert.Equal(graph.Functions, back.ThreadCallGraphs[thread].Functions);
            Assert.Equal(graph.Edges, back.ThreadCallGraphs[thread].Edges);
        }
        Assert.Equal(profile.CallGraph.Functions, back.CallGraph!.Functions);
        Assert.Equal(profile.CallGraph.Edges, back.CallGraph.Edges);
        Assert.Equal(2, back.LineTimings!.Entries.Count);
        for (var i = 0; i < 2; i++)
        {
            var (sent, read) = (profile.LineTimings.Entries[i], back.LineTimings.Entries[i]);
            Assert.Equal((sent.Function, sent.ThreadIndex), (read.Function, read.ThreadIndex));
            Assert.Equal(sent.Lines, read.Lines);
            Assert.Equal(sent.Source, read.Source);
        }
    }

    [Fact]
    public void A_call_graph_kept_whole_reads_back_without_threads()
    {
        var profile = ProfileBuilder.Sample();
        profile.CallGraph = new Sonde.Profiles.CallGraph.CallGraphData();
        profile.CallGraph.Add(new Sonde.Profiles.CallGraph.FunctionCallStats(new FunctionKey("f", "/f.py", 1), 5, 5, 10, 10));

        var back = Read(Write(profile));

        Assert.Equal(profile.CallGraph.Functions, back.CallGraph!.Functions);
        Assert.Empty(back.ThreadCallGraphs);
        Assert.Null(back.LineTimings);
    }

    [Fact]
    public void The_sample_profile_reads_back_identical()
    {
        var profile = ProfileBuilder.Sample();

        ProfileAssert.Identical(profile, Read(Write(profile)));
    }

    [Fact]
    public void Streamed_appends_read_back_the_same_as_one_write()
    {
        var whole = RichProfile.Create(repeat: 4);
        // Rebuild the same profile in steps, appending after each step, as the recorder does once a second.
        var growing = new Profile([.. whole.WeightTypes]);
        using var output = new MemoryStream();
        var writer = new NativeStreamWriter(output);
        var weights = new long[whole.WeightTypes.Count];
        for (var i = 0; i < whole.SampleCount; i++)
        {
            var thread = whole.Threads[whole.ThreadIndexOf(i)];
            var stack = whole.StackIdOf(i) < 0 ? [] : whole.Stacks.FramesOf(whole.StackIdOf(i)).Select(f => whole.Frames[f]);
            for (var w = 0; w < weights.Length; w++) weights[w] = whole.WeightOf(i, w);
            growing.AddSample(growing.InternStack(stack), growing.ThreadIndex(thread.ProcessId, thread.ThreadId, thread.Name), whole.TimestampOf(i), weights);
            if (i % 5 == 0) writer.Append(growing);
        }
        foreach (var thread in whole.Threads) growing.ThreadIndex(thread.ProcessId, thread.ThreadId, thread.Name);
        CopyMetadata(whole.Metadata, growing.Metadata);
        writer.Complete(growing);

        var back = Read(output.ToArray());

        ProfileAssert.Identical(growing, back);
        Assert.Equal(whole.Threads, back.Threads);
    }

    [Fact]
    public void An_append_with_nothing_new_adds_no_blocks()
    {
        var profile = ProfileBuilder.Sample();
        using var output = new MemoryStream();
        var writer = new NativeStreamWriter(output);
        writer.Append(profile);
        var length = output.Length;

        writer.Append(profile);

        Assert.Equal(length, output.Length);
    }

    [Fact]
    public void Samples_compress_to_a_few_bytes_each()
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);
        var stacks = Enumerable.Range(0, 50).Select(i => profile.InternStack(
            Enumerable.Range(0, 10 + i % 7).Select(d => new Frame($"f{d}_{i % 9}", $"/srv/m{d % 4}.py", d * 10 + 1, d * 10 + 3)))).ToArray();
        var random = new Random(42);
        long time = 0;
        // As the recorder makes them: every tick samples three threads at one timestamp, weighted by the tick's interval.
        for (var tick = 0; tick < 40_000; tick++)
        {
            var interval = 10_000_000 + random.Next(-500_000, 500_000);
            time += interval;
            for (var thread = 0; thread < 3; thread++) profile.AddSample(stacks[random.Next(stacks.Length)], thread, time, [1, interval]);
        }
        for (var t = 0; t < 3; t++) profile.ThreadIndex(1, t, $"t{t}");

        var bytes = Write(profile);

        // In memory a sample takes 32 bytes (stack, thread, time, two weights); varints, deltas and Deflate must do far better.
        Assert.True(bytes.Length < profile.SampleCount * 5, $"{bytes.Length} bytes for {profile.SampleCount} samples");
        ProfileAssert.Identical(profile, Read(bytes));
    }

    [Fact]
    public void Every_cut_of_a_file_reads_its_complete_blocks_or_says_it_is_too_short()
    {
        var profile = RichProfile.Create();
        using var output = new MemoryStream();
        var writer = new NativeStreamWriter(output);
        var cuts = new List<(long Length, int Samples)>();
        // Three appends of growing profiles, so the file has several sample blocks to lose one at a time.
        var partial = new Profile([.. profile.WeightTypes]);
        for (var i = 0; i < profile.SampleCount; i++)
        {
            var thread = profile.Threads[profile.ThreadIndexOf(i)];
            var frames = profile.StackIdOf(i) < 0 ? [] : profile.Stacks.FramesOf(profile.StackIdOf(i)).Select(f => profile.Frames[f]);
            partial.AddSample(partial.InternStack(frames), partial.ThreadIndex(thread.ProcessId, thread.ThreadId, thread.Name), profile.TimestampOf(i),
                [.. Enumerable.Range(0, 3).Select(w => profile.WeightOf(i, w))]);
            if (i % 3 == 2)
            {
                writer.Append(partial);
                cuts.Add((output.Length, partial.SampleCount));
            }
        }
        writer.Complete(partial);
        var bytes = output.ToArray();

        var firstBlockEnd = FirstBlockEnd(bytes);
        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes.AsSpan(0, length).ToArray();
            if (length < firstBlockEnd)
            {
                var error = Assert.Throws<BadInputException>(() => Read(cut));
                Assert.Contains("test.sonde", error.Message);
                continue;
            }
            var back = Read(cut);
            var complete = cuts.LastOrDefault(c => c.Length <= length).Samples;
            Assert.True(back.SampleCount >= complete, $"cut at {length}: {back.SampleCount} samples, expected at least {complete}");
            Assert.True(back.Metadata.Properties.ContainsKey(NativeReader.RecoveredProperty), $"cut at {length} not reported as recovered");
            for (var i = 0; i < back.SampleCount; i++) Assert.Equal(partial.TimestampOf(i), back.TimestampOf(i));
        }
    }

    [Fact]
    public void A_recovered_file_without_a_duration_takes_it_from_its_last_sample()
    {
        var profile = ProfileBuilder.Sample();
        using var output = new MemoryStream();
        new NativeStreamWriter(output).Append(profile);

        var back = Read(output.ToArray());

        Assert.Equal(TimeSpan.FromTicks(profile.TimestampOf(profile.SampleCount - 1) / 100), back.Metadata.Duration);
        Assert.Contains("no end block", back.Metadata.Properties[NativeReader.RecoveredProperty]);
    }

    [Fact]
    public void A_flipped_bit_is_caught_by_the_checksum()
    {
        var bytes = Write(RichProfile.Create());
        bytes[FirstBlockEnd(bytes) + 20] ^= 0x10;

        var error = Assert.Throws<BadInputException>(() => Read(bytes));

        Assert.Contains("checksum", error.Message);
        Assert.Contains("test.sonde", error.Message);
    }

    [Fact]
    public void A_newer_major_version_is_refused_with_advice()
    {
        var bytes = Write(ProfileBuilder.Sample());
        bytes[6] = 2;
        bytes[7] = 0;

        var error = Assert.Throws<BadInputException>(() => Read(bytes));

        Assert.Contains("version 2.0", error.Message);
        Assert.Contains("newer Sonde", error.Message);
    }

    [Fact]
    public void Data_after_the_end_block_is_an_error()
    {
        var bytes = Write(ProfileBuilder.Sample());

        var error = Assert.Throws<BadInputException>(() => Read([.. bytes, .. bytes]));

        Assert.Contains("end block", error.Message);
    }

    [Fact]
    public void Declared_lengths_beyond_the_caps_are_refused_before_reading()
    {
        var bytes = Write(ProfileBuilder.Sample());
        // The first block's stored length, set to 1 GiB.
        BitConverter.TryWriteBytes(bytes.AsSpan(8 + 2), (uint)(1 << 30));

        var error = Assert.Throws<BadInputException>(() => Read(bytes));

        Assert.Contains("more than a block may hold", error.Message);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_before_it_is_inflated()
    {
        var blocks = NativeBlocks.Parse(Write(ProfileBuilder.Sample()));
        // 32 MiB of zeros deflate to about 32 KiB: far more expansion than any profile has.
        blocks.Insert(1, new NativeBlocks.Block(0x60, new byte[32 << 20]));
        var bytes = NativeBlocks.Build(blocks, compress: true);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => Read(bytes));

        Assert.Contains("expands far more than any profile", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 8 << 20);
    }

    [Fact]
    public void A_sample_count_in_the_end_block_that_is_not_true_is_an_error_not_an_allocation()
    {
        var blocks = NativeBlocks.Parse(Write(ProfileBuilder.Sample()));
        var end = blocks[^1];
        BitConverter.TryWriteBytes(end.Content, (long)int.MaxValue);
        var bytes = NativeBlocks.Build(blocks, compress: false);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => Read(bytes));

        Assert.Contains("counts 2147483647 samples, but the file holds 6", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 8 << 20);
    }

    [Fact]
    public void The_writer_leaves_the_stream_open_and_starts_with_the_signature()
    {
        using var output = new MemoryStream();
        new NativeWriter().Write(ProfileBuilder.Sample(), output, WriteOptions.Default);

        Assert.True(output.CanWrite);
        Assert.Equal("SONDE\0"u8.ToArray(), output.ToArray()[..6]);
        Assert.Equal([NativeFormat.MajorVersion, NativeFormat.MinorVersion], output.ToArray()[6..8]);
    }

    private static int FirstBlockEnd(byte[] bytes) => 8 + 14 + BitConverter.ToInt32(bytes, 8 + 2);

    private static void CopyMetadata(ProfileMetadata from, ProfileMetadata to)
    {
        to.Mode = from.Mode;
        to.Command = from.Command;
        to.ProcessId = from.ProcessId;
        to.PythonVersion = from.PythonVersion;
        to.PythonPath = from.PythonPath;
        to.Host = from.Host;
        to.StartTime = from.StartTime;
        to.Duration = from.Duration;
        to.GitCommit = from.GitCommit;
        to.Sampler.Ticks = from.Sampler.Ticks;
        to.Sampler.Samples = from.Sampler.Samples;
        foreach (var (key, value) in from.Properties) to.Properties[key] = value;
    }
}
