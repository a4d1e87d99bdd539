namespace Sonde.Remote.Tests;

/// <summary>The Python programs under tests/fixtures/python, found from the test binaries upwards.</summary>
internal static class Fixtures
{
    public static string Python(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "fixtures", "python", name);
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException($"no tests/fixtures/python/{name} above {AppContext.BaseDirectory}");
    }
}
