using System.Text;
using Sonde.Profiles;

namespace Sonde.Formats.Tests;

/// <summary>Builds profiles by hand: stacks given outermost first, each added a number of times on a thread.</summary>
internal sealed class ProfileBuilder(params WeightType[] weightTypes)
{
    private long _time;

    public Profile Profile { get; } = new(weightTypes.Length == 0 ? [WeightType.Samples] : weightTypes);

    public static Frame F(string function, string file = "app.py", int firstLine = 1, int line = 0) =>
        new(function, file, firstLine, line);

    /// <summary>Adds <paramref name="count"/> samples of one stack, each with weight 1 in every column.</summary>
    public ProfileBuilder Add(int count, params Frame[] stack) => Add("MainThread", 100, count, stack);

    public ProfileBuilder Add(string threadName, long threadId, int count, params Frame[] stack)
    {
        var weights = new long[Profile.WeightTypes.Count];
        Array.Fill(weights, 1);
        for (var i = 0; i < count; i++) AddWeighted(threadName, threadId, weights, stack);
        return this;
    }

    public ProfileBuilder AddWeighted(string threadName, long threadId, long[] weights, params Frame[] stack)
    {
        var thread = Profile.ThreadIndex(1, threadId, threadName);
        Profile.AddSample(Profile.InternStack(stack), thread, _time += 1_000_000, weights);
        return this;
    }

    public static string Write(IProfileWriter writer, Profile profile, WriteOptions? options = null)
    {
        using var output = new MemoryStream();
        writer.Write(profile, output, options ?? WriteOptions.Default);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>main → work → compute ×3 and main → work ×2 on MainThread, main → idle ×1 on Worker.</summary>
    public static Profile Sample()
    {
        var main = F("main", "app.py", 1);
        var work = F("work", "app.py", 10);
        return new ProfileBuilder()
            .Add(3, main, work, F("compute", "lib.py", 5))
            .Add(2, main, work)
            .Add("Worker", 200, 1, main, F("idle", "app.py", 20))
            .Profile;
    }
}
