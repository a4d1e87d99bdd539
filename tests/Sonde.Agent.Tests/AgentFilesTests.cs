using Sonde.Agent.Tests.Support;

namespace Sonde.Agent.Tests;

public sealed class AgentFilesTests
{
    [Fact]
    public void ExtractsEveryFileIntoADirectoryNamedByItsVersion()
    {
        using var scratch = new Scratch();
        var directory = AgentFiles.Extract(scratch.Path);
        Assert.Equal(Path.Combine(scratch.Path, "sonde", "agent", AgentFiles.Version), directory);
        Assert.Contains(AgentFiles.Files, f => f.Path == "sitecustomize.py");
        Assert.Contains(AgentFiles.Files, f => f.Path == "sonde_agent/bootstrap.py");
        foreach (var (path, content) in AgentFiles.Files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(directory, path)));
        Assert.Matches("^[0-9a-f]{16}$", AgentFiles.Version);
    }

    [Fact]
    public void RewritesAFileThatNoLongerMatches()
    {
        using var scratch = new Scratch();
        var directory = AgentFiles.Extract(scratch.Path);
        var bootstrap = Path.Combine(directory, "sonde_agent", "bootstrap.py");
        File.WriteAllText(bootstrap, "raise SystemExit('tampered')");
        Assert.Equal(directory, AgentFiles.Extract(scratch.Path));
        Assert.Equal(AgentFiles.Files.Single(f => f.Path == "sonde_agent/bootstrap.py").Content, File.ReadAllBytes(bootstrap));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(directory)!, "*.tmp"));
    }
}
