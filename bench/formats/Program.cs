using System.Diagnostics;
using Sonde.Formats;
using Sonde.Profiles;

// Times every writer, and the readers, on one synthetic recording: 4 threads sampled at 100 Hz for 10 minutes
// (240,000 samples) over 5,000 stacks 20 to 60 frames deep that share prefixes as real call trees do. A thread
// keeps its stack for 97% of samples, as a program stays in a function for a while. Lines are kept.
// Usage: dotnet run -c Release --project bench/formats [RUNS]
//        dotnet run -c Release --project bench/formats flamegraph-1m [RUNS]   (issue #3's flame graph target)
if (args.Length > 0 && args[0] == "flamegraph-1m")
{
    FlameGraphMillion(args.Length > 1 ? int.Parse(args[1]) : 5);
    return;
}
var runs = args.Length > 0 ? int.Parse(args[0]) : 5;
var profile = Synthetic(new Random(42));
var directory = Directory.CreateTempSubdirectory("sonde-formats-bench-");
Console.WriteLine($"{profile.SampleCount} samples, {profile.Stacks.Count} stack nodes, {profile.Frames.Count} frames; median of {runs} runs");
foreach (var name in FormatRegistry.Names)
{
    var writer = FormatRegistry.ForName(name);
    var path = Path.Combine(directory.FullName, "out." + name);
    var times = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var watch = Stopwatch.StartNew();
        using (var stream = File.Create(path)) writer.Write(profile, stream, new WriteOptions(Lines: true));
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    var line = $"{name,-11} write {Median(times),7:F0} ms {new FileInfo(path).Length / 1024.0,9:F0} KiB";
    if (FormatRegistry.ReadableNames.Contains(name))
    {
        times.Clear();
        for (var run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            FormatRegistry.ReadFile(path);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        line += $"   read {Median(times),7:F0} ms";
    }
    Console.WriteLine(line);
}
directory.Delete(recursive: true);

// 1,000,000 samples spread over 100,000 distinct stacks 10 to 40 frames deep, written as an SVG flame graph.
static void FlameGraphMillion(int runs)
{
    var random = new Random(7);
    var profile = new Profile(WeightType.Samples);
    var thread = profile.ThreadIndex(1, 1, "MainThread");
    var functions = Enumerable.Range(0, 2000).Select(i => new Frame($"function_{i}", $"/app/module_{i % 50}.py", i)).ToArray();
    var stacks = new int[100_000];
    for (var s = 0; s < stacks.Length; s++)
    {
        var depth = random.Next(10, 41);
        stacks[s] = profile.InternStack(Enumerable.Range(0, depth).Select(d => functions[(s * 31 + d * 17 + random.Next(3)) % functions.Length]));
    }
    for (var i = 0; i < 1_000_000; i++) profile.AddSample(stacks[i < stacks.Length ? i : random.Next(stacks.Length)], thread, i);
    var writer = FormatRegistry.ForName("flamegraph");
    var times = new List<double>();
    long bytes = 0;
    for (var run = 0; run < runs; run++)
    {
        using var stream = new MemoryStream();
        var watch = Stopwatch.StartNew();
        writer.Write(profile, stream, WriteOptions.Default);
        times.Add(watch.Elapsed.TotalMilliseconds);
        bytes = stream.Length;
    }
    Console.WriteLine($"flamegraph: {profile.SampleCount:N0} samples, {stacks.Length:N0} distinct stacks ({profile.Stacks.Count:N0} stack nodes): " +
                      $"median {Median(times):F0} ms over {runs} runs (min {times.Min():F0}, max {times.Max():F0}), {bytes / 1024} KiB");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static Profile Synthetic(Random random)
{
    var profile = new Profile(WeightType.Samples, WeightType.WallTime);
    var stacks = new List<Frame[]> { Enumerable.Range(0, 20).Select(d => Frame(random, d)).ToArray() };
    while (stacks.Count < 5000)
    {
        var parent = stacks[random.Next(stacks.Count)];
        var keep = random.Next(5, parent.Length);
        var depth = random.Next(Math.Max(20, keep + 1), 61);
        stacks.Add([.. parent[..keep], .. Enumerable.Range(keep, depth - keep).Select(d => Frame(random, d))]);
    }
    var ids = stacks.Select(profile.InternStack).ToArray();
    var threads = Enumerable.Range(0, 4).Select(t => profile.ThreadIndex(1, 1000 + t, $"worker-{t}")).ToArray();
    var current = threads.Select(_ => random.Next(ids.Length)).ToArray();
    for (var tick = 1; tick <= 60_000; tick++)
    {
        for (var t = 0; t < threads.Length; t++)
        {
            if (random.NextDouble() < 0.03) current[t] = random.Next(ids.Length);
            profile.AddSample(ids[current[t]], threads[t], tick * 10_000_000L, [1, 10_000_000]);
        }
    }
    profile.Metadata.Sampler.RequestedRateHz = 100;
    return profile;
}

static Frame Frame(Random random, int depth) =>
    new($"module_{depth % 37}.function_{random.Next(300)}", $"/srv/app/module_{depth % 37}.py", depth * 20 + 1, depth * 20 + 1 + random.Next(15));
