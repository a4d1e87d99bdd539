using Sonde.Formats.Folded;
using Sonde.Profiles;
using Sonde.Profiles.Errors;
using static Sonde.Formats.Tests.ProfileBuilder;

namespace Sonde.Formats.Tests;

public sealed class FoldedWriterTests
{
    private readonly FoldedWriter _writer = new();

    [Fact]
    public void Writes_one_sorted_line_per_stack()
    {
        var text = Write(_writer, Sample());

        Assert.Equal(
            """
            main (app.py:1);idle (app.py:20) 1
            main (app.py:1);work (app.py:10) 2
            main (app.py:1);work (app.py:10);compute (lib.py:5) 3

            """, text);
    }

    [Fact]
    public void Thread_roots_start_each_stack()
    {
        var text = Write(_writer, Sample(), new WriteOptions(ThreadRoots: true));

        Assert.Equal(
            """
            thread MainThread (100);main (app.py:1);work (app.py:10) 2
            thread MainThread (100);main (app.py:1);work (app.py:10);compute (lib.py:5) 3
            thread Worker (200);main (app.py:1);idle (app.py:20) 1

            """, text);
    }

    [Fact]
    public void Same_stack_on_two_threads_sums_unless_split_by_thread()
    {
        var profile = new ProfileBuilder().Add("A", 1, 2, F("main")).Add("B", 2, 3, F("main")).Profile;

        Assert.Equal("main (app.py:1) 5\n", Write(_writer, profile));
        Assert.Equal("thread A (1);main (app.py:1) 2\nthread B (2);main (app.py:1) 3\n",
            Write(_writer, profile, new WriteOptions(ThreadRoots: true)));
    }

    [Fact]
    public void Lines_merge_per_function_unless_kept()
    {
        var profile = new ProfileBuilder()
            .Add(2, F("main"), F("work", "app.py", 10, line: 12))
            .Add(3, F("main"), F("work", "app.py", 10, line: 14))
            .Profile;

        Assert.Equal("main (app.py:1);work (app.py:10) 5\n", Write(_writer, profile));
        Assert.Equal("main (app.py:1);work (app.py:12) 2\nmain (app.py:1);work (app.py:14) 3\n",
            Write(_writer, profile, new WriteOptions(Lines: true)));
    }

    [Fact]
    public void Chosen_weight_column_sizes_the_stacks()
    {
        var builder = new ProfileBuilder(WeightType.Samples, WeightType.WallTime);
        builder.AddWeighted("MainThread", 100, [1, 250], F("main"), F("slow"));
        builder.AddWeighted("MainThread", 100, [1, 750], F("main"), F("slow"));
        builder.AddWeighted("MainThread", 100, [1, 10], F("main"));

        Assert.Equal("main (app.py:1) 1\nmain (app.py:1);slow (app.py:1) 2\n", Write(_writer, builder.Profile));
        Assert.Equal("main (app.py:1) 10\nmain (app.py:1);slow (app.py:1) 1000\n",
            Write(_writer, builder.Profile, new WriteOptions(WeightIndex: 1)));
    }

    [Fact]
    public void Separators_inside_names_are_replaced()
    {
        var profile = new ProfileBuilder()
            .Add("new\nline;thread", 7, 1, F("a;b\nc\r\td", "dir;x/f.py", 3), F("ok name"))
            .Profile;

        var text = Write(_writer, profile, new WriteOptions(ThreadRoots: true));

        Assert.Equal("thread new line,thread (7);a,b c  d (dir,x/f.py:3);ok name (app.py:1) 1\n", text);
    }

    [Fact]
    public void Stacks_without_frames_or_weight_are_left_out()
    {
        var builder = new ProfileBuilder(WeightType.Samples, WeightType.CpuTime);
        builder.AddWeighted("MainThread", 100, [1, 0], F("main"));
        builder.Profile.AddSample(StackTable.Root, 0, 5, [1, 1]);

        Assert.Equal("", Write(_writer, builder.Profile, new WriteOptions(WeightIndex: 1)));
    }

    [Fact]
    public void Unknown_weight_column_is_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => Write(_writer, Sample(), new WriteOptions(WeightIndex: 3)));

        Assert.Contains("samples", error.Message);
    }
}
