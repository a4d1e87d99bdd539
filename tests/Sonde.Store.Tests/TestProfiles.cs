using Sonde.Profiles;

namespace Sonde.Store.Tests;

internal static class TestProfiles
{
    /// <summary>A sampled profile whose hottest function is <paramref name="hot"/> with <paramref name="hotSamples"/> of its samples.</summary>
    public static Profile Sampled(string hot, int hotSamples, int otherSamples, string command = "python3 app.py", string? commit = "0123456789abcdef")
    {
        var profile = new Profile(WeightType.Samples);
        var main = new Frame("main", "/app/app.py", 1);
        var hotStack = profile.InternStack([main, new Frame(hot, "/app/work.py", 10)]);
        var otherStack = profile.InternStack([main, new Frame("other", "/app/work.py", 30)]);
        var thread = profile.ThreadIndex(4242, 1, "MainThread");
        var time = 0L;
        for (var i = 0; i < hotSamples; i++) profile.AddSample(hotStack, thread, time += 10_000_000);
        for (var i = 0; i < otherSamples; i++) profile.AddSample(otherStack, thread, time += 10_000_000);
        var metadata = profile.Metadata;
        metadata.Command = command;
        metadata.GitCommit = commit;
        metadata.StartTime = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        metadata.Duration = TimeSpan.FromSeconds(1.5);
        metadata.PythonVersion = "3.12.4";
        metadata.Host = "builder";
        metadata.ProcessId = 4242;
        return profile;
    }
}
