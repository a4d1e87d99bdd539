using System.Diagnostics;
using System.Text.RegularExpressions;
using Sonde.Cli.Tests.Support;
using Sonde.Formats;
using Sonde.Formats.Native;
using Sonde.Profiles;
using Sonde.Profiles.Views;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>
/// `record` writes .sonde by default and streams it: a recording killed outright (SIGKILL, no chance to clean up)
/// still leaves a file with everything up to about a second before the kill.
/// </summary>
public sealed partial class StreamingTests
{
    [Fact]
    public async Task A_killed_recording_keeps_its_samples_up_to_about_a_second_before_the_kill()
    {
        var python = AnyPython();
        using var repo = new GitRepository();
        using var target = PythonProcess.Start(python, Repository.Fixture("idle_thread.py"), ["60"], readyLine: null, workingDirectory: repo.Path);
        using var sonde = Process.Start(SondeCli.StartInfo(["record", "-p", target.Pid.ToString()], workingDirectory: repo.Path))!;
        var stderr = sonde.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        var file = WaitForRecordingFile(repo.Path, sonde);
        await Task.Delay(3500, TestContext.Current.CancellationToken);
        Assert.False(sonde.HasExited, "sonde ended before it was killed");
        var killedAt = DateTimeOffset.Now;
        // Process.Kill sends SIGKILL: no handler runs, nothing is flushed on the way out.
        sonde.Kill();
        await sonde.WaitForExitAsync(TestContext.Current.CancellationToken);
        var errors = await stderr;

        var profile = FormatRegistry.ReadFile(file);

        Assert.Contains("no end block", profile.Metadata.Properties[NativeReader.RecoveredProperty]);
        var lastSample = profile.Metadata.StartTime + TimeSpan.FromTicks(profile.TimestampOf(profile.SampleCount - 1) / 100);
        var lost = killedAt - lastSample;
        Assert.True(lost < TimeSpan.FromSeconds(2), $"the last sample in the file is {lost.TotalSeconds:0.00} s before the kill; {errors}");
        // The busy main thread was sampled (at up to 100 Hz; a loaded machine manages less) for the 3.5 s the test waited.
        var busy = FunctionTable.Build(profile).Single(f => f.Function.Function == "busy_main");
        Assert.True(busy.Total > 50, $"{busy.Total} samples in busy_main");
        Assert.Equal(repo.Head(), profile.Metadata.GitCommit);
        Assert.Equal(target.Pid, profile.Metadata.ProcessId);
        Assert.NotNull(profile.Metadata.PythonVersion);
    }

    [Fact]
    public void A_finished_recording_writes_a_complete_sonde_file_by_default()
    {
        var python = AnyPython();
        using var temp = new TempDirectory();
        using var target = PythonProcess.Start(python, Repository.Fixture("idle_thread.py"), ["30"], readyLine: null, workingDirectory: temp.Path);
        using var sonde = Process.Start(SondeCli.StartInfo(["record", "-p", target.Pid.ToString(), "-d", "2"], workingDirectory: temp.Path))!;
        var result = SondeCli.Finish(sonde, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Assert.Single(Directory.GetFiles(temp.Path, "*.sonde"));
        Assert.Matches(DefaultName(), Path.GetFileName(file));
        var profile = FormatRegistry.ReadFile(file);
        Assert.False(profile.Metadata.Properties.ContainsKey(NativeReader.RecoveredProperty));
        Assert.InRange(profile.Metadata.Duration.TotalSeconds, 1.5, 5);
        // The final metadata has the sampler's statistics (how many ticks a loaded machine manages varies).
        Assert.True(profile.Metadata.Sampler.Ticks > 20, $"{profile.Metadata.Sampler.Ticks} ticks");
        Assert.True(profile.Metadata.Sampler.AchievedRateHz > 10, $"{profile.Metadata.Sampler.AchievedRateHz} Hz");
        Assert.Equal(profile.Metadata.Sampler.Samples, profile.SampleCount);
        Assert.Null(profile.Metadata.GitCommit);
        Assert.Equal(Environment.MachineName, profile.Metadata.Host);
        Assert.Contains("idle_thread.py", profile.Metadata.Command);
        Assert.Equal([WeightType.Samples, WeightType.WallTime, WeightType.CpuTime, WeightType.RssGrowth], profile.WeightTypes);
        // Streamed once a second, then rewritten in one go: one metadata block and one samples block remain.
        var types = BlockTypes(File.ReadAllBytes(file));
        Assert.Equal(1, types.Count(t => t == 1));
        Assert.Equal(1, types.Count(t => t == 5));
        Assert.Equal(0x7F, types[^1]);
        // RSS, PSS and threads from /proc, in the memory block written with the end.
        Assert.Equal(8, types[^2]);
        Assert.Equal(2, profile.Memory!.Series[Sonde.Profiles.Memory.MemoryData.ThreadsSeries].Max(p => p.Value));
    }

    /// <summary>The type byte of each block, from the layout in docs/formats.md: 8-byte header, 14-byte block headers.</summary>
    private static List<byte> BlockTypes(byte[] file)
    {
        var types = new List<byte>();
        for (var offset = 8; offset + 14 <= file.Length; offset += 14 + BitConverter.ToInt32(file, offset + 2)) types.Add(file[offset]);
        return types;
    }

    private static string WaitForRecordingFile(string directory, Process sonde)
    {
        for (var waited = 0; waited < 20_000; waited += 100)
        {
            var files = Directory.GetFiles(directory, "sonde-*.sonde");
            if (files.Length == 1) return files[0];
            if (sonde.HasExited) throw new InvalidOperationException($"sonde exited with {sonde.ExitCode} before it started recording");
            Thread.Sleep(100);
        }
        throw new TimeoutException("sonde did not create its recording file");
    }

    private static string AnyPython() =>
        PythonInstalls.All.FirstOrDefault(p => p.Path is not null)?.Path ?? throw new InvalidOperationException("no CPython found");

    [GeneratedRegex(@"^sonde-\d{8}-\d{6}\.sonde$")]
    private static partial Regex DefaultName();
}
