using System.Diagnostics;

namespace Sonde.Cli.Tests.Support;

/// <summary>A real git repository in a temporary directory, driven by the git command line.</summary>
internal sealed class GitRepository : IDisposable
{
    private readonly TempDirectory _temp = new();

    public GitRepository(bool commit = true)
    {
        Path = _temp.File("repo");
        Directory.CreateDirectory(Path);
        Git("init", "-q", "-b", "main");
        if (commit) Commit("first");
    }

    public string Path { get; }

    /// <summary>A sibling of the repository, for worktrees.</summary>
    public string Sibling(string name) => _temp.File(name);

    public void Commit(string message, string? directory = null) =>
        GitIn(directory ?? Path, "-c", "user.name=Sonde Tests", "-c", "user.email=tests@sonde.invalid", "commit", "-q", "--allow-empty", "-m", message);

    public string Head(string? directory = null) => GitIn(directory ?? Path, "rev-parse", "HEAD").Trim();

    public string Git(params string[] args) => GitIn(Path, args);

    public static string GitIn(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        return output;
    }

    public void Dispose() => _temp.Dispose();
}
