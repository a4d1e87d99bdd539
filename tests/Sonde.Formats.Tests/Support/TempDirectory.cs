namespace Sonde.Formats.Tests.Support;

/// <summary>A directory for the files a test hands to other programs, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sonde-formats-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes the profile with the writer to a file in this directory and returns its path.</summary>
    public string Write(IProfileWriter writer, Sonde.Profiles.Profile profile, string name, WriteOptions? options = null)
    {
        var path = File(name);
        using var stream = System.IO.File.Create(path);
        writer.Write(profile, stream, options ?? WriteOptions.Default);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
