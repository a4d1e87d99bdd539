using System.Diagnostics;
using Sonde.Cli.Targets;
using Sonde.Cli.Tests.Support;

namespace Sonde.Cli.Tests.Targets;

/// <summary>The commit Sonde reads from a repository's files must be the one git itself reports.</summary>
public sealed class GitCommitTests
{
    [Fact]
    public void Reads_the_commit_of_a_branch_from_its_loose_ref()
    {
        using var repo = new GitRepository();
        var nested = Directory.CreateDirectory(Path.Combine(repo.Path, "src", "pkg")).FullName;

        Assert.Equal(repo.Head(), GitCommit.Of(repo.Path));
        Assert.Equal(repo.Head(), GitCommit.Of(nested));
    }

    [Fact]
    public void Reads_a_ref_that_only_packed_refs_holds()
    {
        using var repo = new GitRepository();
        repo.Git("pack-refs", "--all", "--prune");

        Assert.False(File.Exists(Path.Combine(repo.Path, ".git", "refs", "heads", "main")));
        Assert.Equal(repo.Head(), GitCommit.Of(repo.Path));
    }

    [Fact]
    public void Reads_a_detached_head()
    {
        using var repo = new GitRepository();
        var first = repo.Head();
        repo.Commit("second");
        repo.Git("checkout", "-q", "--detach", first);

        Assert.Equal(first, GitCommit.Of(repo.Path));
    }

    [Fact]
    public void Reads_a_worktrees_own_branch()
    {
        using var repo = new GitRepository();
        var worktree = repo.Sibling("worktree");
        repo.Git("worktree", "add", "-q", "-b", "other", worktree);
        repo.Commit("on the other branch", worktree);

        Assert.NotEqual(repo.Head(), repo.Head(worktree));
        Assert.Equal(repo.Head(worktree), GitCommit.Of(worktree));
        Assert.Equal(repo.Head(), GitCommit.Of(repo.Path));
    }

    [Fact]
    public void Is_null_outside_a_repository_and_before_the_first_commit()
    {
        using var temp = new TempDirectory();
        using var unborn = new GitRepository(commit: false);

        Assert.Null(GitCommit.Of(temp.Path));
        Assert.Null(GitCommit.Of(unborn.Path));
    }

    [Fact]
    public void Reads_the_commit_where_a_process_runs()
    {
        using var repo = new GitRepository();
        using var process = Process.Start(new ProcessStartInfo("sleep", ["30"]) { WorkingDirectory = repo.Path })!;
        try
        {
            Assert.Equal(repo.Head(), GitCommit.OfProcess(process.Id));
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }
}
