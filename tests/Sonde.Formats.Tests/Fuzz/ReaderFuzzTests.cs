using System.Diagnostics;
using System.Text;
using Sonde.Formats.Folded;
using Sonde.Formats.Native;
using Sonde.Formats.Pprof;
using Sonde.Formats.Tests.Pprof;
using Sonde.Formats.Speedscope;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Tests.Fuzz;

/// <summary>
/// Thousands of corrupted and truncated versions of valid files go through <see cref="FormatRegistry.ReadFile"/>:
/// each must either read or fail with a one-line <see cref="BadInputException"/> naming the file, quickly, and
/// without allocating more than a bounded amount however large the sizes the file declares.
/// </summary>
public sealed class ReaderFuzzTests : IDisposable
{
    private const int Iterations = 3000;
    private const long AllocationLimit = 48L << 20;
    private static readonly TimeSpan _timeLimit = TimeSpan.FromSeconds(5);

    private readonly string _directory = Directory.CreateTempSubdirectory("sonde-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact(Timeout = 300_000)]
    public Task Native_files_survive_random_corruption() => Run(".sonde", NativeSeeds(), seed: 1, (mutator, input, seeds) => mutator.Mutate(input, seeds));

    /// <summary>Corrupts what is inside the blocks and fixes the checksums, so the damage reaches the decoders.</summary>
    [Fact(Timeout = 300_000)]
    public Task Native_block_contents_survive_random_corruption() => Run(".sonde", NativeSeeds(), seed: 2, (mutator, input, seeds) =>
    {
        var blocks = NativeBlocks.Parse(input);
        var random = mutator.Random;
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits && blocks.Count > 0; e++)
        {
            var index = random.Next(blocks.Count);
            var block = blocks[index];
            blocks[index] = random.Next(8) switch
            {
                0 => block with { Type = (byte)random.Next(256) },
                1 => blocks[random.Next(blocks.Count)],
                _ => block with { Content = mutator.Mutate(block.Content, [.. blocks.Select(b => b.Content)]) },
            };
            if (random.Next(10) == 0) blocks.RemoveAt(random.Next(blocks.Count));
        }
        return NativeBlocks.Build(blocks, compress: random.Next(2) == 0);
    });

    [Fact(Timeout = 300_000)]
    public Task Folded_files_survive_random_corruption() => Run(".folded", FoldedSeeds(), seed: 3, (mutator, input, seeds) => mutator.Mutate(input, seeds));

    [Fact(Timeout = 300_000)]
    public Task Speedscope_files_survive_random_corruption() => Run(".speedscope.json", SpeedscopeSeeds(), seed: 4, (mutator, input, seeds) => mutator.Mutate(input, seeds));

    [Fact(Timeout = 300_000)]
    public Task Every_format_survives_truncation_at_every_length() => Task.Run(() =>
    {
        var outcomes = new Outcomes();
        foreach (var (extension, seeds) in new[] { (".sonde", NativeSeeds()), (".folded", FoldedSeeds()), (".speedscope.json", SpeedscopeSeeds()), (".pb.gz", PprofSeeds()) })
            foreach (var seed in seeds)
                for (var length = 0; length < seed.Length; length += 1 + seed.Length / 300)
                    Check(extension, seed.AsSpan(0, length).ToArray(), $"{extension} cut to {length} bytes", outcomes);
        outcomes.AssertNoFailures();
        Assert.True(outcomes.Rejected > 0 && outcomes.Read > 0, $"{outcomes.Read} read, {outcomes.Rejected} rejected");
    }, TestContext.Current.CancellationToken);

    private Task Run(string extension, List<byte[]> seeds, int seed, Func<Mutator, byte[], List<byte[]>, byte[]> mutate) => Task.Run(() =>
    {
        var mutator = new Mutator(seed);
        var outcomes = new Outcomes();
        foreach (var input in seeds) Check(extension, input, "an unchanged seed", outcomes);
        outcomes.AssertNoFailures();
        Assert.Equal(seeds.Count, outcomes.Read);
        for (var i = 0; i < Iterations; i++)
        {
            var input = seeds[mutator.Random.Next(seeds.Count)];
            Check(extension, mutate(mutator, input, seeds), $"mutation {i} (random seed {seed})", outcomes);
        }
        outcomes.AssertNoFailures();
        Assert.True(outcomes.Rejected > Iterations / 10, $"only {outcomes.Rejected} of {Iterations} mutations were rejected");
    }, TestContext.Current.CancellationToken);

    private void Check(string extension, byte[] bytes, string what, Outcomes outcomes)
    {
        var path = Path.Combine(_directory, "input" + extension);
        File.WriteAllBytes(path, bytes);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        string? failure = null;
        try
        {
            FormatRegistry.ReadFile(path);
            outcomes.Read++;
        }
        catch (BadInputException e)
        {
            outcomes.Rejected++;
            if (what == "an unchanged seed") failure = $"a valid file was rejected: {e.Message}";
            if (e.Message.Contains('\n') || !e.Message.Contains(path)) failure = $"a message that is not one line naming the file: {e.Message}";
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}";
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (allocated > AllocationLimit) failure ??= $"allocated {allocated >> 20} MiB for a {bytes.Length}-byte file";
        if (watch.Elapsed > _timeLimit) failure ??= $"took {watch.Elapsed.TotalSeconds:0.0} s";
        if (failure is null) return;
        var kept = Path.Combine(Path.GetTempPath(), $"sonde-fuzz-failure-{outcomes.Failures.Count}{extension}");
        File.Copy(path, kept, overwrite: true);
        outcomes.Failures.Add($"{what} (kept as {kept}): {failure}");
    }

    private sealed class Outcomes
    {
        public int Read, Rejected;
        public List<string> Failures { get; } = [];

        public void AssertNoFailures() =>
            Assert.True(Failures.Count == 0, $"{Failures.Count} inputs failed; the first ones:\n" + string.Join("\n\n", Failures.Take(5)));
    }

    private static List<byte[]> NativeSeeds()
    {
        var rich = RichProfile.Create(repeat: 2);
        // A recording's file as a kill leaves it: two appends and no end block.
        using var streamed = new MemoryStream();
        var writer = new NativeStreamWriter(streamed);
        var growing = RichProfile.Create();
        writer.Append(growing);
        growing.AddSample(growing.StackIdOf(0), 1, 1_000_000_000, [1, 2, 3]);
        writer.Append(growing);
        return [Write(new NativeWriter(), rich), Write(new NativeWriter(), ProfileBuilder.Sample()), streamed.ToArray()];
    }

    private static List<byte[]> FoldedSeeds()
    {
        var rich = RichProfile.Create(repeat: 2, extremeWeights: false);
        return
        [
            Write(new FoldedWriter(), rich, new WriteOptions(ThreadRoots: true, Lines: true)),
            Write(new FoldedWriter(), ProfileBuilder.Sample()),
            Encoding.UTF8.GetBytes("process 42:\"python3 app.py\";thread (43);<module> (app.py:1);work (app.py:10) 7\nthread (0x7F00): pool;main (app.py) 3\n"),
            Encoding.UTF8.GetBytes("# austin: 3.6.0\n# interval: 100\n# mode: full\n# python: 3.11.4\n\nP42;T0:43;/a.py:<module>:1;/a.py:work:12 100,0,2048\nP42;T0:44;/a.py:main;L3;:GC: 50,1,-1024\nP42;T0:44 7,1,0\n\n# duration: 1234\n"),
            Encoding.UTF8.GetBytes("Thread 5602cbf74260;<module> (/a.py);L25;busy_main (/a.py);L15 10097 376 0\nThread 5602cbf74260;<module> (/a.py);L25;busy_main (/a.py);L16 10085 0 0\n"),
        ];
    }

    /// <summary>Random mutations of pprof files are PprofFuzzTests' part; here they are cut, gzipped and raw.</summary>
    private static List<byte[]> PprofSeeds() =>
        [PprofWriterTests.Bytes(PprofWriterTests.Known()), PprofEncoder.Encode(PprofWriterTests.Known(), new WriteOptions(Lines: true))];

    private static List<byte[]> SpeedscopeSeeds() =>
    [
        Write(new SpeedscopeWriter(), RichProfile.Create(repeat: 2, extremeWeights: false), new WriteOptions(WeightIndex: 1, ThreadRoots: true)),
        Write(new SpeedscopeWriter(), ProfileBuilder.Sample()),
        Encoding.UTF8.GetBytes("""
            {"$schema": "https://www.speedscope.app/file-format-schema.json",
             "shared": {"frames": [{"name": "main", "file": "app.py", "line": 1}, {"name": "work", "file": "app.py", "line": 10}]},
             "profiles": [{"type": "evented", "name": "requests", "unit": "milliseconds", "startValue": 0, "endValue": 12,
               "events": [{"type": "O", "frame": 0, "at": 0}, {"type": "O", "frame": 1, "at": 2}, {"type": "C", "frame": 1, "at": 5},
                          {"type": "C", "frame": 0, "at": 10}, {"type": "O", "frame": 0, "at": 11}]}]}
            """),
    ];

    private static byte[] Write(IProfileWriter writer, Sonde.Profiles.Profile profile, WriteOptions? options = null)
    {
        using var output = new MemoryStream();
        writer.Write(profile, output, options ?? WriteOptions.Default);
        return output.ToArray();
    }
}
