namespace Sonde.Agent.Tests.Support;

/// <summary>The Python fixtures, found from the test binaries upwards.</summary>
internal static class Fixtures
{
    public static readonly string Root = FindRoot();

    public static string Path(string name) => System.IO.Path.Combine(Root, "tests", "fixtures", "python", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Sonde.slnx"))) return dir.FullName;
        throw new InvalidOperationException("can't find the repository root above " + AppContext.BaseDirectory);
    }
}
