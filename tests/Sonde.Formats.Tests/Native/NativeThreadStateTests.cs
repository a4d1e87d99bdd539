using Sonde.Formats.Native;
using Sonde.Profiles;

namespace Sonde.Formats.Tests.Native;

public sealed class NativeThreadStateTests
{
    private static readonly SampleState[] _cycle = [SampleState.HoldingGil, SampleState.Running, SampleState.Idle, SampleState.Unknown, SampleState.Idle];

    [Fact]
    public void Every_samples_state_reads_back_across_sample_blocks()
    {
        var profile = new Profile(WeightType.Samples);
        var stack = profile.InternStack([new Frame("f", "a.py", 1)]);
        var thread = profile.ThreadIndex(1, 1, "main");
        // More than one samples block (a block holds 2^18 samples), so each state block must say where it starts.
        const int count = 300_000;
        for (var i = 0; i < count; i++) profile.AddSample(stack, thread, i, [1], _cycle[i % 7 % _cycle.Length]);

        var back = RoundTrip(profile);

        Assert.True(back.HasThreadStates);
        Assert.Equal(count, back.SampleCount);
        for (var i = 0; i < count; i++)
            if (back.ThreadStateOf(i) != _cycle[i % 7 % _cycle.Length]) Assert.Fail($"sample {i}: {back.ThreadStateOf(i)}");
    }

    [Fact]
    public void A_profile_without_states_reads_back_without_them()
    {
        var profile = new Profile(WeightType.Samples);
        profile.AddSample(profile.InternStack([new Frame("f", "a.py", 1)]), profile.ThreadIndex(1, 1, "main"), 0);
        var back = RoundTrip(profile);
        Assert.False(back.HasThreadStates);
        Assert.Equal(SampleState.Unknown, back.ThreadStateOf(0));
    }

    [Fact]
    public void States_that_start_mid_recording_leave_the_earlier_samples_unknown()
    {
        var profile = new Profile(WeightType.Samples);
        var stack = profile.InternStack([new Frame("f", "a.py", 1)]);
        var thread = profile.ThreadIndex(1, 1, "main");
        using var output = new MemoryStream();
        var writer = new NativeStreamWriter(output);
        profile.AddSample(stack, thread, 1);
        profile.AddSample(stack, thread, 2);
        writer.Append(profile);
        profile.AddSample(stack, thread, 3, [1], SampleState.Idle);
        profile.AddSample(stack, thread, 4);
        writer.Append(profile);
        profile.AddSample(stack, thread, 5, [1], SampleState.HoldingGil);
        writer.Complete(profile);

        var back = new NativeReader().Read(new MemoryStream(output.ToArray()), "test.sonde");

        Assert.Equal([SampleState.Unknown, SampleState.Unknown, SampleState.Idle, SampleState.Unknown, SampleState.HoldingGil],
            Enumerable.Range(0, back.SampleCount).Select(back.ThreadStateOf));
    }

    [Fact]
    public void States_travel_in_a_block_of_their_own_so_a_file_without_it_reads_the_same_samples()
    {
        var profile = new Profile(WeightType.Samples);
        var stack = profile.InternStack([new Frame("f", "a.py", 1)]);
        for (var i = 0; i < 10; i++) profile.AddSample(stack, profile.ThreadIndex(1, 1, "main"), i, [1], SampleState.Running);
        using var output = new MemoryStream();
        new NativeWriter().Write(profile, output, WriteOptions.Default);
        var bytes = output.ToArray();
        var at = FindBlock(bytes, 9);
        Assert.True(at >= 0, "no thread-state block was written");

        // What a 1.2 reader makes of the file: it skips the block (checksum checked), as this reader skips types it doesn't know.
        var length = 14 + BitConverter.ToInt32(bytes, at + 2);
        var without = bytes[..at].Concat(bytes[(at + length)..]).ToArray();
        var back = new NativeReader().Read(new MemoryStream(without), "test.sonde");

        Assert.False(back.HasThreadStates);
        Assert.Equal(10, back.SampleCount);
        Assert.Equal(SampleState.Running, new NativeReader().Read(new MemoryStream(bytes), "test.sonde").ThreadStateOf(9));
    }

    private static Profile RoundTrip(Profile profile)
    {
        using var output = new MemoryStream();
        new NativeWriter().Write(profile, output, WriteOptions.Default);
        return new NativeReader().Read(new MemoryStream(output.ToArray()), "test.sonde");
    }

    /// <summary>The offset of the first block of <paramref name="type"/>, walking the block headers; -1 for none.</summary>
    private static int FindBlock(byte[] file, byte type)
    {
        for (var at = 8; at + 14 <= file.Length;)
        {
            if (file[at] == type) return at;
            at += 14 + BitConverter.ToInt32(file, at + 2);
        }
        return -1;
    }
}
