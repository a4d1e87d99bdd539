using System.IO.Compression;
using Sonde.Formats.Folded;
using Sonde.Formats.Pprof;
using Sonde.Formats.Tests.Support;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Tests.Pprof;

/// <summary>
/// Thousands of random mutations of valid pprof files, read through <see cref="FormatRegistry.ReadFile"/>:
/// each read either gives a profile that the writers can write again or throws a one-line
/// <see cref="BadInputException"/>; nothing else escapes, nothing hangs, and no read allocates far more than
/// its file's size.
/// </summary>
public sealed class PprofFuzzTests
{
    private const int Iterations = 4000;
    private const long AllocationLimit = 32 << 20;

    [Fact]
    public async Task Mutated_files_give_a_profile_or_a_one_line_bad_input_error()
    {
        var seeds = Seeds();
        using var directory = new TempDirectory();
        var path = directory.File("fuzz.pb.gz");
        var failures = new List<string>();
        var (read, rejected) = (0, 0);

        var run = Task.Run(() =>
        {
            for (var iteration = 0; iteration < Iterations && failures.Count < 10; iteration++)
            {
                var random = new Random(iteration);
                var seed = seeds[random.Next(seeds.Length)];
                // A third of the cases mutate the raw message and gzip it again, so they get past the gzip
                // layer and reach the protobuf decoder; the rest mutate the file as it is.
                var regzip = seed.Raw && random.Next(2) == 0;
                var (bytes, mutation) = Mutate(seed.Bytes, random);
                File.WriteAllBytes(path, regzip ? Gzip(bytes) : bytes);
                var what = $"iteration {iteration} ({seed.Name}, {mutation}{(regzip ? ", gzipped" : "")})";

                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    var profile = FormatRegistry.ReadFile(path);
                    new PprofWriter().Write(profile, Stream.Null, WriteOptions.Default);
                    new FoldedWriter().Write(profile, Stream.Null, new WriteOptions(ThreadRoots: true));
                    read++;
                }
                catch (BadInputException e)
                {
                    rejected++;
                    if (e.Message.Contains('\n') || !e.Message.Contains(path)) failures.Add($"{what}: unclear message '{e.Message}'");
                }
                catch (Exception e)
                {
                    failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
                }
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > AllocationLimit) failures.Add($"{what}: allocated {allocated >> 20} MiB for a {bytes.Length}-byte file");
            }
        }, TestContext.Current.CancellationToken);

        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken));
        Assert.True(finished == run, "the fuzz run hung");
        await run;
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Both outcomes must occur, or the mutations are not reaching the decoder.
        Assert.True(read > 100 && rejected > 100, $"{read} read, {rejected} rejected");
    }

    private static (string Name, byte[] Bytes, bool Raw)[] Seeds()
    {
        var known = PprofWriterTests.Known();
        var lines = new WriteOptions(Lines: true, ThreadRoots: true);
        return
        [
            ("gzip", PprofWriterTests.Bytes(known), false),
            ("gzip with lines", PprofWriterTests.Bytes(known, lines), false),
            ("raw", PprofEncoder.Encode(known, WriteOptions.Default), true),
            ("raw with lines", PprofEncoder.Encode(known, lines), true),
        ];
    }

    private static (byte[] Bytes, string Mutation) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        var at = random.Next(bytes.Length);
        switch (random.Next(7))
        {
            case 0:
                var flips = random.Next(1, 5);
                for (var i = 0; i < flips; i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            case 1:
                bytes[at] = (byte)random.Next(256);
                return (bytes, $"byte {at} replaced");
            case 2:
                return (bytes[..at], $"truncated to {at}");
            case 3:
                var inserted = new byte[random.Next(1, 16)];
                random.NextBytes(inserted);
                return ([.. bytes[..at], .. inserted, .. bytes[at..]], $"{inserted.Length} bytes inserted at {at}");
            case 4:
                var length = Math.Min(random.Next(1, 64), bytes.Length - at);
                return ([.. bytes[..at], .. bytes[(at + length)..]], $"{length} bytes deleted at {at}");
            case 5:
                // Huge varints: lengths and counts that claim far more than the file holds.
                var run = Math.Min(random.Next(1, 10), bytes.Length - at);
                bytes.AsSpan(at, run).Fill(0xFF);
                return (bytes, $"{run} bytes of 0xFF at {at}");
            default:
                var chunk = bytes[at..Math.Min(bytes.Length, at + random.Next(1, 256))];
                var copies = random.Next(1, 50);
                var repeated = Enumerable.Repeat(chunk, copies).SelectMany(c => c).ToArray();
                return ([.. bytes[..at], .. repeated, .. bytes[at..]], $"{chunk.Length} bytes at {at} repeated {copies} times");
        }
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }
}
