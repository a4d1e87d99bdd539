namespace Sonde.Web.Tests.Support;

/// <summary>Paths inside the repository, found from the test binaries upwards.</summary>
internal static class Repository
{
    public static readonly string Root = FindRoot();

    public static string Fixture(string name) => Path.Combine(Root, "tests", "fixtures", "python", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sonde.slnx"))) return dir.FullName;
        throw new InvalidOperationException("can't find the repository root above " + AppContext.BaseDirectory);
    }
}
