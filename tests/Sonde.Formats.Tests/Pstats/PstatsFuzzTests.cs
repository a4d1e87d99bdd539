using System.Buffers.Binary;
using System.Diagnostics;
using Sonde.Formats.Pstats;
using Sonde.Profiles.Errors;

namespace Sonde.Formats.Tests.Pstats;

/// <summary>
/// Thousands of random mutations of a valid pstats file: whatever the bytes, <see cref="FormatRegistry.ReadFile"/>
/// either reads a profile or throws <see cref="BadInputException"/> with a one-line message, quickly and
/// without allocating far more than the file.
/// </summary>
public sealed class PstatsFuzzTests : IDisposable
{
    private const int Iterations = 2500;
    private static readonly TimeSpan MaxPerFile = TimeSpan.FromSeconds(10);
    private const long MaxAllocatedBytes = 256L << 20;

    private static readonly byte[] InterestingBytes =
        [0x00, 0x01, 0x03, 0x7f, 0x80, 0xff, (byte)'{', (byte)'(', (byte)')', (byte)'[', (byte)'r', (byte)'l', (byte)'g', (byte)'f', (byte)'u', (byte)'z', (byte)'0', (byte)'N', (byte)'c', 0xa9, 0xfb];

    private static readonly int[] InterestingInts = [0, 1, -1, 5, 0x7fffffff, int.MinValue, 0x40000000, 0xffff, 1000];

    private readonly string _directory = Directory.CreateTempSubdirectory("sonde-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Mutated_files_are_read_or_refused_in_one_line(int seed)
    {
        var valid = ValidFile();
        var random = new Random(seed);
        var path = Path.Combine(_directory, "fuzz.prof");
        var outcomes = new Dictionary<string, int>();
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var data = Mutate(valid, random);
            File.WriteAllBytes(path, data);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                var profile = FormatRegistry.ReadFile(path);
                outcome = "read";
                // The estimated stacks are made on first use: make them, since hostile graphs must not break that either.
                Assert.Equal(profile.CallGraph!.TotalOwnNs, profile.TotalWeight(0));
            }
            catch (BadInputException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                Assert.Equal(ExitCodes.BadInput, e.ExitCode);
                outcome = "refused";
            }
            catch (Exception e)
            {
                var saved = Path.Combine(Path.GetTempPath(), $"sonde-fuzz-failure-{seed}-{iteration}.prof");
                File.WriteAllBytes(saved, data);
                Assert.Fail($"seed {seed}, iteration {iteration}: {e.GetType().Name} escaped ReadFile (input saved to {saved}): {e}");
                throw;
            }
            clock.Stop();
            Assert.True(clock.Elapsed < MaxPerFile, $"seed {seed}, iteration {iteration}: took {clock.Elapsed}");
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < MaxAllocatedBytes, $"seed {seed}, iteration {iteration}: allocated {allocated} bytes for a {data.Length}-byte file");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        // Both kinds of outcome happen, so the mutations neither always break nor never touch the structure.
        Assert.True(outcomes.GetValueOrDefault("read") > Iterations / 50, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("refused") > Iterations / 2, string.Join(", ", outcomes));
    }

    private static byte[] ValidFile()
    {
        using var stream = new MemoryStream();
        new PstatsWriter().Write(PstatsSamples.CallGraphProfile(), stream, WriteOptions.Default);
        return stream.ToArray();
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var data = new List<byte>(valid);
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(7))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                    break;
                case 2:
                    var value = new byte[4];
                    BinaryPrimitives.WriteInt32LittleEndian(value, InterestingInts[random.Next(InterestingInts.Length)]);
                    for (var i = 0; i < 4 && at + i < data.Count; i++) data[at + i] = value[i];
                    break;
                case 3:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 4:
                    data.RemoveRange(at, Math.Min(random.Next(1, 32), data.Count - at));
                    break;
                case 5:
                    var length = Math.Min(random.Next(1, 64), data.Count - at);
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                    break;
                default:
                    data.Insert(at, InterestingBytes[random.Next(InterestingBytes.Length)]);
                    break;
            }
        }
        // Keep the head valid half the time, so mutations reach past the format check.
        if (random.Next(2) == 0 && data.Count >= 3)
        {
            data[0] = (byte)'{';
            data[1] = 0xa9;
            data[2] = 3;
        }
        return data.ToArray();
    }
}
