namespace Sonde.Agent.Protocol;

/// <summary>The kinds of frame the agent sends; docs/trace.md describes each payload.</summary>
internal enum AgentMessageKind : byte
{
    Hello = 1,
    Function = 2,
    Thread = 3,
    Stats = 4,
    LineFunction = 5,
    Lines = 6,
    Bye = 7,
    Error = 8,
    MemorySite = 9,
    MemoryStacks = 10,
    MemoryTimeline = 11,
    GcEvents = 12,
    GcLongest = 13,
    MemoryStatus = 14,
    MemoryInfo = 15,
    ObjectCounts = 16,
    ObjectChain = 17,
}
