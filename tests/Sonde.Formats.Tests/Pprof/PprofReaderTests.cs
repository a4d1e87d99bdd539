using System.IO.Compression;
using Sonde.Formats.Folded;
using Sonde.Formats.Pprof;
using Sonde.Formats.Tests.Support;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using Sonde.Profiles.Views;

namespace Sonde.Formats.Tests.Pprof;

public sealed class PprofReaderTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Round_trip_keeps_stacks_threads_and_weights_and_rewrites_the_same_bytes(bool lines, bool threadRoots)
    {
        var original = PprofWriterTests.Known();
        var options = new WriteOptions(Lines: lines, ThreadRoots: threadRoots);
        var written = PprofWriterTests.Bytes(original, options);

        var read = new PprofReader().Read(new MemoryStream(written), "known.pb.gz");

        Assert.Equal(original.WeightTypes, read.WeightTypes);
        // Thread roots come back as ordinary root frames, so compare with them in the original's folded text.
        var foldedOptions = new WriteOptions(Lines: lines, ThreadRoots: threadRoots);
        for (var w = 0; w < original.WeightTypes.Count; w++)
            Assert.Equal(Write(new FoldedWriter(), original, foldedOptions with { WeightIndex = w }),
                Write(new FoldedWriter(), read, new WriteOptions(WeightIndex: w, Lines: lines)));
        Assert.Equal(["thread MainThread (100)", "thread Worker (200)"], read.Threads.Select(t => t.Label));
        Assert.Equal(PprofWriterTests.Bytes(read, new WriteOptions(Lines: lines)), written);
    }

    [Fact]
    public void Metadata_survives_the_round_trip()
    {
        var original = PprofWriterTests.Known();
        original.Metadata.ProcessId = 4242;
        original.Metadata.PythonVersion = "3.12.1";
        original.Metadata.Host = "build-7";

        var read = new PprofReader().Read(new MemoryStream(PprofWriterTests.Bytes(original)), "m.pb.gz").Metadata;

        Assert.Equal(original.Metadata.StartTime, read.StartTime);
        Assert.Equal(original.Metadata.Duration, read.Duration);
        Assert.Equal(100, read.Sampler.RequestedRateHz, 6);
        Assert.Equal("python3 app.py", read.Command);
        Assert.Equal(4242, read.ProcessId);
        Assert.Equal("3.12.1", read.PythonVersion);
        Assert.Equal("build-7", read.Host);
    }

    [Fact]
    public void Registry_reads_by_content_and_raw_protobuf_too()
    {
        using var directory = new TempDirectory();
        var gzipped = directory.File("renamed.txt");
        File.WriteAllBytes(gzipped, PprofWriterTests.Bytes(PprofWriterTests.Known()));
        var raw = directory.File("raw.pprof");
        File.WriteAllBytes(raw, PprofEncoder.Encode(PprofWriterTests.Known(), WriteOptions.Default));

        var fromGzip = FormatRegistry.ReadFile(gzipped);
        var fromRaw = FormatRegistry.ReadFile(raw);

        Assert.Equal("pprof", fromGzip.Metadata.Properties["source.format"]);
        Assert.Equal(4, fromGzip.SampleCount); // summed per thread and stack
        Assert.Equal(Write(new FoldedWriter(), fromGzip), Write(new FoldedWriter(), fromRaw));
        Assert.Equal(PprofWriterTests.Known().TotalWeight(1), fromRaw.TotalWeight(1));
    }

    [Fact]
    public void Reads_a_cpu_profile_written_by_go_itself_as_go_tool_pprof_does()
    {
        var go = ExternalTool.Require("go", "golang-go");
        using var directory = new TempDirectory();
        var source = directory.File("burn.go");
        File.WriteAllText(source, GoProgram);
        var file = directory.File("cpu.pb.gz");
        // A cache of its own: the build then needs neither $HOME nor anything a previous run left behind.
        var run = ExternalTool.Run(go, ["run", source, file], directory.Path, TimeSpan.FromMinutes(5),
            new Dictionary<string, string> { ["GOCACHE"] = directory.File("gocache") });
        Assert.True(run.ExitCode == 0, run.ToString());

        var profile = FormatRegistry.ReadFile(file);
        var top = ExternalTool.Run(go, ["tool", "pprof", "-top", "-nodecount=1000", "-sample_index=samples", file]);

        Assert.True(top.ExitCode == 0, top.ToString());
        var expected = PprofTop.Parse(top.StdOut);
        Assert.Equal([new WeightType("samples", "count"), new WeightType("cpu", "nanoseconds")], profile.WeightTypes);
        Assert.Equal(100, profile.Metadata.Sampler.RequestedRateHz, 6);
        Assert.Equal(expected.Total, profile.TotalWeight(0));
        var functions = FunctionTable.Build(profile, 0);
        // Every node pprof lists, inlined ones too: main.square only exists as an inlined line of burn's locations.
        Assert.Contains(expected.Rows, r => r.Name == "main.square (inline)");
        Assert.Equal(expected.Rows.Count, functions.Count);
        foreach (var (name, flat, cum) in expected.Rows)
        {
            var ours = functions.Single(f => f.Function.Function == name.Replace(" (inline)", ""));
            Assert.Equal((flat, cum), (ours.Own, ours.Total));
        }
    }

    private const string GoProgram = """
        package main

        import (
            "os"
            "runtime/pprof"
            "time"
        )

        func square(i int) int { return i * i % 7 }

        //go:noinline
        func burn(n int) int {
            s := 0
            for i := 0; i < n; i++ {
                s += square(i)
            }
            return s
        }

        func main() {
            f, err := os.Create(os.Args[1])
            if err != nil {
                panic(err)
            }
            pprof.StartCPUProfile(f)
            total := 0
            for deadline := time.Now().Add(1500 * time.Millisecond); time.Now().Before(deadline); {
                total += burn(200000)
            }
            pprof.StopCPUProfile()
            f.Close()
            if total == 42 {
                println(total)
            }
        }
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(-20)]
    public void A_truncated_file_is_bad_input_naming_the_file(int keep)
    {
        using var directory = new TempDirectory();
        var bytes = PprofWriterTests.Bytes(PprofWriterTests.Known());
        var path = directory.File("cut.pb.gz");
        File.WriteAllBytes(path, bytes[..(keep > 0 ? keep : bytes.Length + keep)]);

        var error = Assert.Throws<BadInputException>(() => FormatRegistry.ReadFile(path));

        Assert.Equal(ExitCodes.BadInput, error.ExitCode);
        Assert.Contains(path, error.Message);
        Assert.Contains("pprof", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("hello, world\n", "pprof")]
    public void Empty_or_foreign_content_with_a_pprof_name_is_bad_input(string content, string expected)
    {
        using var directory = new TempDirectory();
        var path = directory.File("profile.pb.gz");
        File.WriteAllText(path, content);

        var error = Assert.Throws<BadInputException>(() => FormatRegistry.ReadFile(path));

        Assert.Contains("profile.pb.gz", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_gzip_bomb_is_refused_without_inflating_it_all()
    {
        using var directory = new TempDirectory();
        var path = directory.File("bomb.pb.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            // A valid start, then a gigabyte of zeros: protobuf-wise a run of field-0 tags.
            gzip.Write(PprofEncoder.Encode(PprofWriterTests.Known(), WriteOptions.Default));
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1024; i++) gzip.Write(zeros);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => FormatRegistry.ReadFile(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("larger than 128 MiB", error.Message);
        Assert.True(allocated < 3L * PprofReader.MaxMessageBytes, $"allocated {allocated >> 20} MiB");
    }

    private static string Write(IProfileWriter writer, Profile profile, WriteOptions? options = null) =>
        ProfileBuilder.Write(writer, profile, options);
}
