using System.Diagnostics;
using Sonde.Formats.Folded;
using Sonde.Profiles;
using Sonde.Profiles.Views;
using Sonde.Testing;

namespace Sonde.Formats.Tests.Folded;

/// <summary>
/// Reads what the real Austin (Debian's package) writes while it samples a real CPython. The fixture's main thread
/// runs busy_main for a time it is given, which is the ground truth for the wall time read back.
/// </summary>
public sealed class AustinOutputTests
{
    private const double BusySeconds = 1.5;

    [Theory]
    [InlineData("")]
    [InlineData("-a")]
    [InlineData("-f")]
    public async Task Reads_the_real_Austins_output(string option)
    {
        var austin = File.Exists("/usr/bin/austin") ? "/usr/bin/austin" : null;
        if (austin is null) Assert.Skip("austin is not installed (Debian package 'austin')");
        // Debian's Austin 1.0 predates CPython 3.11's frame layout.
        var python = PythonInstalls.Require("3.10");
        var output = Path.Combine(Path.GetTempPath(), $"sonde-austin-{Guid.NewGuid():N}.txt");
        try
        {
            var info = new ProcessStartInfo(austin) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { option, "-i", "2000", "-o", output, python.Path!, Fixture("idle_thread.py"), BusySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                if (arg.Length > 0) info.ArgumentList.Add(arg);
            using (var process = Process.Start(info)!)
            {
                var cancel = TestContext.Current.CancellationToken;
                var stderr = process.StandardError.ReadToEndAsync(cancel);
                await process.StandardOutput.ReadToEndAsync(cancel);
                await process.WaitForExitAsync(cancel).WaitAsync(TimeSpan.FromSeconds(60), cancel);
                Assert.True(process.ExitCode == 0, $"austin failed: {await stderr}");
            }

            var profile = FormatRegistry.ReadFile(output);

            Assert.Equal("folded", profile.Metadata.Properties["source.format"]);
            Assert.True(profile.Threads.Count >= 2, $"{profile.Threads.Count} threads");
            var wall = profile.WeightIndex("wall");
            Assert.True(wall > 0);
            if (option == "-f") Assert.Contains(profile.WeightTypes, w => w.Name == "alloc-bytes");
            var busy = FunctionTable.Build(profile, wall).Single(f => f.Function.Function == "busy_main");
            Assert.EndsWith("idle_thread.py", busy.Function.File);
            // Austin samples each thread on every tick; the main thread spent BusySeconds in busy_main.
            Assert.InRange(busy.Total / 1e9, BusySeconds * 0.7, BusySeconds * 1.3);
            Assert.Contains(profile.Frames.All, f => f.Function == "busy_main" && f.Line > 0);
            Assert.Contains(profile.Frames.All, f => f.Function == "idle_waiter");
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sonde.slnx"))) return Path.Combine(dir.FullName, "tests", "fixtures", "python", name);
        throw new InvalidOperationException("can't find the repository root");
    }
}
