using Sonde.Profiles;

namespace Sonde.Formats.Tests;

/// <summary>A profile that uses every part of the model, with names chosen to trip careless encoders.</summary>
internal static class RichProfile
{
    /// <param name="extremeWeights">Include weights at the limits of a long, which only a lossless format can carry.</param>
    public static Profile Create(int repeat = 1, bool extremeWeights = true)
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime, WeightType.CpuTime);
        var metadata = profile.Metadata;
        metadata.Mode = ProfileMode.Sampling;
        metadata.Command = "python3 app.py --name 'x;y'\n--second-line";
        metadata.ProcessId = 4242;
        metadata.PythonVersion = "3.12.1";
        metadata.PythonPath = "/root/.pyenv/versions/3.12.1/bin/python3";
        metadata.Host = "build-host";
        metadata.StartTime = new DateTimeOffset(2024, 5, 17, 13, 45, 12, 345, TimeSpan.FromHours(2)).AddTicks(6789);
        metadata.Duration = TimeSpan.FromMilliseconds(12_345.6789);
        metadata.GitCommit = "0123456789abcdef0123456789abcdef01234567";
        metadata.Sampler.Ticks = 1234;
        metadata.Sampler.Samples = 2345;
        metadata.Sampler.Errors = 3;
        metadata.Sampler.Late = 4;
        metadata.Sampler.CpuTimeNs = 56_789_012;
        metadata.Sampler.RequestedRateHz = 100;
        metadata.Sampler.AchievedRateHz = 99.87654321;
        metadata.Properties["note"] = "ünïcödé ☃ and \"quotes\"";
        metadata.Properties["empty"] = "";

        var main = new Frame("<module>", "/srv/app.py", 1, 3);
        var work = new Frame("Worker.run", "/srv/app.py", 10, 12);
        var workOtherLine = work with { Line = 14 };
        var hostile = new Frame("evil;name\nwith <tags> & \"quotes\" 🙂", "/tmp/we ird;dir/ƒile.py", 7, 9);
        var native = new Frame("PyEval_EvalFrameDefault", "libpython3.12.so", 0, 0, FrameKind.Native);
        var truncated = Frame.Pseudo("<12 frames not read>", FrameKind.Truncated);
        var longName = new Frame(new string('x', 5000), "/srv/long.py", 100_000, 2_000_000);

        var a = profile.ThreadIndex(4242, 4242, "MainThread");
        var b = profile.ThreadIndex(4242, 4250, "worker-1");
        var c = profile.ThreadIndex(4300, 4301, "child main");
        long time = 0;
        for (var r = 0; r < repeat; r++)
        {
            Add(profile, a, ref time, [1, 10_000_000, 9_000_000], main, work);
            Add(profile, a, ref time, [1, 10_100_000, 0], main, workOtherLine);
            Add(profile, b, ref time, [1, 9_900_000, 9_900_000], main, work, hostile);
            Add(profile, b, ref time, [2, 20_000_000, 1], truncated, native, work);
            Add(profile, c, ref time, [1, 10_000_000, 5_000_000], longName);
            profile.AddSample(StackTable.Root, c, time += 7, [1, 10_000_000, 0]);
            if (extremeWeights) Add(profile, a, ref time, [1, long.MaxValue, long.MinValue], main);
            else Add(profile, a, ref time, [1, 123_456, 654_321], main);
        }
        // Renamed after its first samples, as a thread that calls threading.current_thread().name = ... does.
        profile.ThreadIndex(4242, 4250, "worker-renamed");
        return profile;
    }

    private static void Add(Profile profile, int thread, ref long time, long[] weights, params Frame[] stack)
    {
        time += 9_999_937;
        profile.AddSample(profile.InternStack(stack), thread, time, weights);
    }
}
