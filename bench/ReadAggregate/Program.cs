using System.Diagnostics;
using System.Globalization;
using Sonde.Formats;
using Sonde.Formats.Native;
using Sonde.Profiles;
using Sonde.Profiles.Views;

// Reads a large .sonde file and aggregates it (totals per stack, then the function table) several times and
// reports samples per second. The file is generated once, shaped like a long recording: ticks that sample a
// few threads at one timestamp, weighted by a jittered interval, over a few thousand deep stacks. "whole"
// writes it in one go, as `sonde convert` does; "streamed" appends every 100 ticks, as `sonde record` does once
// a second at 100 Hz, which makes many small blocks.
// Usage: ReadAggregate [SAMPLES] [RUNS] [whole|streamed]
var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 12_000_000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var streamed = args.Length > 2 && args[2] == "streamed";
var path = Path.Combine(Path.GetTempPath(), $"sonde-bench-{samples}{(streamed ? "-streamed" : "")}.sonde");

if (!File.Exists(path))
{
    var watch = Stopwatch.StartNew();
    using (var stream = File.Create(path))
    {
        var writer = new NativeStreamWriter(stream);
        var profile = Generate(samples, streamed ? p => writer.Append(p) : null);
        writer.Complete(profile);
    }
    Console.WriteLine($"generated and wrote {samples:N0} samples to {path} in {watch.Elapsed.TotalSeconds:0.0} s");
}
var size = new FileInfo(path).Length;
Console.WriteLine($"file: {path}, {size / 1e6:0.0} MB, {(double)size / samples:0.00} bytes per sample");

var rates = new List<double>();
for (var run = 0; run < runs + 1; run++)
{
    GC.Collect();
    var watch = Stopwatch.StartNew();
    var profile = FormatRegistry.ReadFile(path);
    var read = watch.Elapsed;
    var totals = profile.TotalsByStack(weightIndex: 1);
    var functions = FunctionTable.Build(profile, weightIndex: 1);
    var total = watch.Elapsed;
    if (profile.SampleCount != samples || totals.Sum() != profile.TotalWeight(1) || functions.Count == 0)
        throw new InvalidOperationException("the file did not read back whole");
    // The first run warms up the JIT and is not counted.
    if (run == 0)
    {
        Console.WriteLine($"{profile.SampleCount:N0} samples, {profile.Stacks.Count:N0} stack nodes, {profile.Frames.Count:N0} frames, {profile.Threads.Count} threads");
        continue;
    }
    var rate = profile.SampleCount / total.TotalSeconds;
    rates.Add(rate);
    Console.WriteLine($"run {run}: read {read.TotalSeconds:0.000} s, aggregate {(total - read).TotalSeconds:0.000} s, {rate / 1e6:0.0} M samples/s");
}
rates.Sort();
Console.WriteLine($"median {rates[rates.Count / 2] / 1e6:0.0} M samples/s (min {rates[0] / 1e6:0.0}, max {rates[^1] / 1e6:0.0}) over {runs} runs");

static Profile Generate(int count, Action<Profile>? everySecond)
{
    var random = new Random(12345);
    var profile = new Profile(WeightType.Samples, WeightType.WallTime);
    const int threads = 4;
    for (var t = 0; t < threads; t++) profile.ThreadIndex(1000, 1000 + t, t == 0 ? "MainThread" : $"worker-{t}");
    var stacks = new int[3000];
    for (var s = 0; s < stacks.Length; s++)
    {
        var depth = 10 + random.Next(30);
        var stack = StackTable.Root;
        for (var d = 0; d < depth; d++)
        {
            // Shared prefixes, as real call trees have: the first frames come from a small set.
            var function = d < 5 ? d * 3 + random.Next(3) : random.Next(400);
            var module = function % 40;
            stack = profile.Stacks.Intern(stack, profile.Frames.Intern(new Frame($"func_{function}", $"/srv/app/module_{module}.py", function * 10 + 1, function * 10 + 1 + random.Next(8))));
        }
        stacks[s] = stack;
    }
    long time = 0;
    Span<long> weights = stackalloc long[2];
    for (var i = 0; i < count;)
    {
        if (everySecond is not null && i > 0 && i % (100 * threads) == 0) everySecond(profile);
        var interval = 10_000_000 + random.Next(-300_000, 300_000);
        time += interval;
        weights[0] = 1;
        weights[1] = interval;
        for (var t = 0; t < threads && i < count; t++, i++)
        {
            // Each thread dwells in a few hot stacks, as programs do.
            var stack = random.Next(10) < 7 ? stacks[t * 50 + random.Next(20)] : stacks[random.Next(stacks.Length)];
            profile.AddSample(stack, t, time, weights);
        }
    }
    return profile;
}
