using Sonde.Profiles;

namespace Sonde.Profiles.Tests;

public sealed class ThreadRootingTests
{
    [Fact]
    public void ThreadFramesGoBelowProcessFramesAndAtTheTopOtherwise()
    {
        var profile = new Profile(WeightType.Samples);
        var process = profile.Frames.Intern(Frame.Pseudo("process 7 (python app.py)", FrameKind.Process));
        var main = profile.Frames.Intern(new Frame("main", "app.py", 1, 0, FrameKind.Python));
        var work = profile.Frames.Intern(new Frame("work", "app.py", 5, 0, FrameKind.Python));
        var first = profile.ThreadIndex(7, 70, "MainThread");
        var second = profile.ThreadIndex(7, 71, "worker");
        var underProcess = profile.Stacks.Intern([process, main, work]);
        var bare = profile.Stacks.Intern([main]);
        profile.AddSample(underProcess, first, 10);
        profile.AddSample(underProcess, second, 20);
        profile.AddSample(bare, second, 30);
        profile.AddSample(underProcess, first, 40);

        var rooted = ThreadRooting.Apply(profile);

        string[] Path(int sample) => [.. rooted.Stacks.FramesOf(rooted.StackIdOf(sample)).Select(f => rooted.Frames[f].Function)];
        Assert.Equal(["process 7 (python app.py)", "thread MainThread (70)", "main", "work"], Path(0));
        Assert.Equal(["process 7 (python app.py)", "thread worker (71)", "main", "work"], Path(1));
        Assert.Equal(["thread worker (71)", "main"], Path(2));
        Assert.Equal(rooted.StackIdOf(0), rooted.StackIdOf(3));
        Assert.Equal([10L, 20, 30, 40], Enumerable.Range(0, 4).Select(rooted.TimestampOf));
        Assert.Equal([first, second, second, first], Enumerable.Range(0, 4).Select(rooted.ThreadIndexOf));
        Assert.True(ThreadRooting.HasProcessRoots(profile));
        Assert.False(ThreadRooting.HasProcessRoots(new Profile(WeightType.Samples)));
    }
}
