using Sonde.Profiles;
using Sonde.Profiles.Views;

namespace Sonde.Profiles.Tests;

public sealed class ProfileModelTests
{
    private static Frame F(string name, int line = 0) => new(name, "app.py", 10, line);

    [Fact]
    public void EqualStacksShareOneIdAndKeepTheirOrder()
    {
        var profile = new Profile(WeightType.Samples);
        var a = profile.InternStack([F("main"), F("work"), F("leaf")]);
        var b = profile.InternStack([F("main"), F("work"), F("leaf")]);
        var c = profile.InternStack([F("main"), F("other")]);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(3, profile.Stacks.DepthOf(a));
        Assert.Equal(["main", "work", "leaf"], profile.Stacks.FramesOf(a).Select(id => profile.Frames[id].Function));
        Assert.Equal(4, profile.Stacks.Count);
    }

    [Fact]
    public void FunctionTableCountsRecursionOncePerSampleInTotal()
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        var recursive = profile.InternStack([F("main"), F("fib"), F("fib"), F("fib")]);
        var flat = profile.InternStack([F("main"), F("io")]);
        for (var i = 0; i < 3; i++) profile.AddSample(recursive, thread, i);
        profile.AddSample(flat, thread, 3);

        var table = FunctionTable.Build(profile).ToDictionary(f => f.Function.Function);
        Assert.Equal(3, table["fib"].Own);
        Assert.Equal(3, table["fib"].Total);
        Assert.Equal(0, table["main"].Own);
        Assert.Equal(4, table["main"].Total);
        Assert.Equal(1, table["io"].Own);
    }

    [Fact]
    public void FunctionTableMergesLinesOfOneFunction()
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        profile.AddSample(profile.InternStack([F("main", 3), F("work", 12)]), thread, 0);
        profile.AddSample(profile.InternStack([F("main", 3), F("work", 14)]), thread, 1);

        var work = FunctionTable.Build(profile).Single(f => f.Function.Function == "work");
        Assert.Equal(2, work.Own);
    }

    [Fact]
    public void WeightsAndThreadFiltersAreHonoured()
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);
        var t1 = profile.ThreadIndex(1, 100, "MainThread");
        var t2 = profile.ThreadIndex(1, 101, "worker");
        var stack = profile.InternStack([F("main")]);
        profile.AddSample(stack, t1, 0, [1, 10_000]);
        profile.AddSample(stack, t2, 0, [1, 30_000]);

        Assert.Equal(40_000, profile.TotalWeight(1));
        Assert.Equal(30_000, profile.TotalsByStack(1, t => t == t2)[stack]);
        Assert.Equal(1, profile.WeightIndex("wall"));
        Assert.Equal(-1, profile.WeightIndex("nope"));
        Assert.Throws<ArgumentException>(() => profile.AddSample(stack, t1, 0, [1]));
    }

    [Fact]
    public void ThreadsAreFoundAgainByIdAndRenamed()
    {
        var profile = new Profile(WeightType.Samples);
        var first = profile.ThreadIndex(7, 70, "thread");
        var again = profile.ThreadIndex(7, 70, "worker-1");
        var otherProcess = profile.ThreadIndex(8, 70, "thread");

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherProcess);
        Assert.Equal("worker-1", profile.Threads[first].Name);
        Assert.Equal("thread worker-1 (70)", profile.Threads[first].Label);
    }

    [Fact]
    public void CallTreeMergesPathsAndSumsOwnAndTotal()
    {
        var profile = new Profile(WeightType.Samples);
        var thread = profile.ThreadIndex(1, 1, "MainThread");
        profile.AddSample(profile.InternStack([F("main", 1), F("a", 5)]), thread, 0);
        profile.AddSample(profile.InternStack([F("main", 2), F("a", 6)]), thread, 1);
        profile.AddSample(profile.InternStack([F("main", 2)]), thread, 2);

        var root = CallTree.Build(profile);
        Assert.Equal(3, root.Total);
        var main = Assert.Single(root.Children);
        Assert.Equal(3, main.Total);
        Assert.Equal(1, main.Own);
        var a = Assert.Single(main.Children);
        Assert.Equal(2, a.Total);
        Assert.Equal(2, a.Own);

        var byLine = CallTree.Build(profile, keepLines: true);
        Assert.Equal(2, byLine.Children.Count());
    }

    [Fact]
    public void LabelsReadLikeFoldedFrames()
    {
        Assert.Equal("work (app.py:12)", F("work", 12).Label);
        Assert.Equal("work (app.py:10)", F("work").Label);
        Assert.Equal("app.py:10(work)", F("work").FunctionKey.PstatsLabel);
        Assert.Equal("thread x (1)", Frame.Pseudo("thread x (1)", FrameKind.Thread).Label);
    }
}
