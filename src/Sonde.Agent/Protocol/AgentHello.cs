namespace Sonde.Agent.Protocol;

/// <summary>The first frame of every connection: which process this is and whether the agent can trace it.</summary>
internal sealed record AgentHello(
    int Protocol,
    bool Unsupported,
    bool ScriptMissing,
    int ProcessId,
    int ParentProcessId,
    Version PythonVersion,
    long StartUnixNs,
    string Implementation,
    string Executable,
    IReadOnlyList<string> Arguments,
    string Description)
{
    public const int FlagUnsupported = 1;
    public const int FlagScriptMissing = 2;

    public static AgentHello Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var protocol = reader.U16();
        var flags = reader.U8();
        var pid = reader.I32();
        var ppid = reader.I32();
        var version = new Version(reader.U8(), reader.U8(), reader.U8());
        var start = reader.I64();
        var implementation = reader.String();
        var executable = reader.String();
        var argv = reader.String();
        var description = reader.String();
        return new AgentHello(protocol, (flags & FlagUnsupported) != 0, (flags & FlagScriptMissing) != 0, pid, ppid, version, start,
            implementation, executable, argv.Length == 0 ? [] : argv.Split('\0'), description);
    }
}
