using Xunit;

namespace Sonde.Testing;

/// <summary>
/// Finds every CPython the suite expects: pyenv's 3.8-3.13 and Debian's statically linked 3.11.
/// Tests take a label as theory data and call <see cref="Require"/>, which skips, visibly, when that
/// interpreter is absent: a missing version never passes silently.
/// </summary>
public static class PythonInstalls
{
    public const string DebianLabel = "debian-3.11";

    private static readonly Lazy<IReadOnlyList<PythonInstall>> _all = new(Discover);

    public static IReadOnlyList<PythonInstall> All => _all.Value;

    /// <summary>Theory data: one row per expected interpreter, present or not.</summary>
    public static TheoryData<string> Labels
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var install in All) data.Add(install.Label);
            return data;
        }
    }

    public static PythonInstall Require(string label)
    {
        var install = All.Single(i => i.Label == label);
        if (install.Path is null) Assert.Skip($"CPython {install.Label} is not installed on this machine");
        return install;
    }

    private static IReadOnlyList<PythonInstall> Discover()
    {
        var pyenvRoot = Environment.GetEnvironmentVariable("PYENV_ROOT") ?? "/root/.pyenv";
        var versionsDir = System.IO.Path.Combine(pyenvRoot, "versions");
        var installs = new List<PythonInstall>();
        for (var minor = 8; minor <= 13; minor++)
        {
            string? path = null;
            if (Directory.Exists(versionsDir))
            {
                path = Directory.GetDirectories(versionsDir, $"3.{minor}.*")
                    .Select(d => System.IO.Path.Combine(d, "bin", "python3"))
                    .Where(File.Exists)
                    .OrderByDescending(p => p, StringComparer.Ordinal)
                    .FirstOrDefault();
            }
            installs.Add(new PythonInstall($"3.{minor}", minor, path));
        }
        const string debian = "/usr/bin/python3.11";
        installs.Add(new PythonInstall(DebianLabel, 11, File.Exists(debian) ? debian : null));
        return installs;
    }
}
