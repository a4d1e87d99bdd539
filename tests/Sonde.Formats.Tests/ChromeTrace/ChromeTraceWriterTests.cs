using Sonde.Formats.ChromeTrace;
using Sonde.Formats.Pprof;
using Sonde.Formats.Tests.Pprof;
using Sonde.Profiles;
using Sonde.Profiles.Views;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests.ChromeTrace;

public sealed class ChromeTraceWriterTests
{
    private const long Ms = 1_000_000;

    private static readonly Frame Main = F("main", "app.py", 1);
    private static readonly Frame Work = F("work", "app.py", 10);
    private static readonly Frame Compute = F("compute", "lib.py", 5);

    /// <summary>
    /// A recording as the sampler makes it, with samples of samples/count and wall/nanoseconds ending at their
    /// timestamps, each lasting since the previous tick: MainThread runs main → work → compute for 30 ticks,
    /// main → work for 20, then is not seen for 10 ticks and runs main → helper for 5; Worker runs
    /// loop → compute on every other tick from tick 3 to tick 40, at the same time.
    /// </summary>
    private static Profile Recording()
    {
        var profile = new Profile(WeightType.Samples, WeightType.WallTime);
        var main = profile.ThreadIndex(7, 100, "MainThread");
        var worker = profile.ThreadIndex(7, 200, "Worker");
        var tick = 0;
        void Tick(int thread, params Frame[] stack) => profile.AddSample(profile.InternStack(stack), thread, tick * 10 * Ms, [1, 10 * Ms]);
        for (tick = 1; tick <= 65; tick++)
        {
            if (tick <= 30) Tick(main, Main, Work, Compute with { Line = 6 + tick % 2 });
            else if (tick <= 50) Tick(main, Main, Work);
            else if (tick > 60) Tick(main, Main, F("helper", "app.py", 30));
            if (tick is >= 3 and <= 40 && tick % 2 == 1) Tick(worker, F("loop", "worker.py", 2), Compute);
        }
        profile.Metadata.ProcessId = 7;
        profile.Metadata.Command = "python3 app.py";
        return profile;
    }

    [Fact]
    public void Events_nest_per_thread_and_sum_to_each_functions_sampled_time()
    {
        var profile = Recording();
        var trace = TraceEvents.Parse(Write(profile));

        foreach (var (thread, index) in profile.Threads.Select((t, i) => (t, i)))
        {
            var expected = FunctionTable.Build(profile, 1, t => t == index);
            var actual = trace.InclusiveTime(thread.ThreadId);
            Assert.Equal(expected.Select(f => f.Function.Function).Order(), actual.Keys.Order());
            foreach (var function in expected)
                Assert.Equal(function.Total / 1000.0, actual[function.Function.Function], 6);
        }
    }

    [Fact]
    public void Frames_stay_open_across_samples_and_close_over_gaps()
    {
        var trace = TraceEvents.Parse(Write(Recording()));

        var main = trace.OfThread(100);
        // main runs from tick 0 to 50, is not seen for ten ticks, and runs again from tick 60 to 65.
        Assert.Equal([(0.0, 500_000.0), (600_000.0, 50_000.0)], main.Where(e => e.Name == "main").Select(e => (e.Ts, e.Dur)));
        Assert.Single(main, e => e.Name == "work");
        Assert.Single(main, e => e.Name == "compute");
        // The worker is seen every other tick: each sample is an event of its own.
        Assert.Equal(19, trace.OfThread(200).Count(e => e.Name == "loop"));
    }

    [Fact]
    public void Kept_lines_split_a_function_where_its_line_changes()
    {
        var trace = TraceEvents.Parse(Write(Recording(), new WriteOptions(Lines: true)));

        var compute = trace.OfThread(100).Where(e => e.Name == "compute").ToList();

        Assert.Equal(30, compute.Count);
        Assert.Equal([6, 7], compute.Select(e => e.Line!.Value).Distinct().Order());
        Assert.All(compute, e => Assert.Equal(10_000.0, e.Dur, 6));
    }

    [Fact]
    public void Metadata_names_the_process_and_each_thread_and_events_carry_file_and_line()
    {
        var trace = TraceEvents.Parse(Write(Recording()));

        var process = trace.Metadata.Single(m => m.Name == "process_name");
        Assert.Equal((7L, "python3 app.py"), (process.Pid, process.Args.GetProperty("name").GetString()));
        var threads = trace.Metadata.Where(m => m.Name == "thread_name").ToDictionary(m => m.Tid, m => m.Args.GetProperty("name").GetString());
        Assert.Equal(new Dictionary<long, string?> { [100] = "MainThread", [200] = "Worker" }, threads);
        Assert.All(trace.Complete, e => Assert.Equal(7, e.Pid));
        var work = trace.Complete.First(e => e.Name == "work");
        Assert.Equal(("app.py", 10, "python"), (work.File, work.Line, work.Category));
    }

    [Fact]
    public void Recursion_nests_a_function_inside_itself()
    {
        var fib = F("fib", "r.py", 3);
        // Each sample lasts 1 ns and they come 1 ms apart, so each is a separate set of events.
        var profile = new ProfileBuilder(WeightType.WallTime).Add(4, Main, fib, fib, fib).Add(2, Main, fib).Profile;

        var trace = TraceEvents.Parse(Write(profile));

        var innermost = trace.Nest(100).Where(n => n.Enclosing.Count == 3).ToList();
        Assert.Equal(4, innermost.Count);
        Assert.All(innermost, n => Assert.Equal(["main", "fib", "fib"], n.Enclosing));
        Assert.Equal(0.006, trace.InclusiveTime(100)["fib"], 9);
    }

    [Fact]
    public void Samples_without_times_are_laid_end_to_end_from_zero()
    {
        // pprof keeps no sample times: a profile read back from it has every timestamp at 0.
        var read = new PprofReader().Read(new MemoryStream(PprofWriterTests.Bytes(PprofWriterTests.Known())), "k.pb.gz");

        var trace = TraceEvents.Parse(Write(read));

        Assert.All(trace.Complete, e => Assert.True(e.Ts >= 0));
        Assert.Equal(0, trace.Complete.Min(e => e.Ts));
        var wall = read.WeightIndex("wall");
        Assert.Equal(FunctionTable.Build(read, wall, t => read.Threads[t].ThreadId == 100).Single(f => f.Function.Function == "main").Total / 1000.0,
            trace.InclusiveTime(100)["main"], 6);
    }

    [Fact]
    public void A_profile_without_time_weights_uses_the_sampling_interval()
    {
        var profile = new ProfileBuilder().Add(3, Main, Work).Profile;
        profile.Metadata.Sampler.RequestedRateHz = 250;

        var trace = TraceEvents.Parse(Write(profile));

        Assert.Equal(12_000.0, trace.InclusiveTime(100)["main"], 6);
    }

    [Fact]
    public void Hostile_names_are_escaped_and_read_back_intact()
    {
        const string name = "</script><b onload=\"x\">\\ \n\u2028 ünï";
        var profile = new ProfileBuilder(WeightType.WallTime).Add("t\"<>", 1, 1, F(name, "a\"b.py", 3), F("lone\ud800", "x.py")).Profile;

        var json = Write(profile);
        var trace = TraceEvents.Parse(json);

        Assert.DoesNotContain("<", json);
        Assert.Equal(name, trace.Complete.Single(e => e.File == "a\"b.py").Name);
        Assert.Equal("lone\uFFFD", trace.Complete.Single(e => e.File == "x.py").Name);
        Assert.Equal("t\"<>", trace.Metadata.Single(m => m.Name == "thread_name").Args.GetProperty("name").GetString());
    }

    private static string Write(Profile profile, WriteOptions? options = null) => ProfileBuilder.Write(new ChromeTraceWriter(), profile, options);
}
