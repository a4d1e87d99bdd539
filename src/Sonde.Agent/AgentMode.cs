namespace Sonde.Agent;

/// <summary>What the agent does in each process: count calls (<c>sonde trace</c>) or measure memory (<c>sonde mem</c>).</summary>
public enum AgentMode
{
    Trace = 0,
    Memory = 1,
}
