namespace Sonde.Agent;

/// <summary>What the agent's timers measure.</summary>
public enum TraceClock
{
    /// <summary>Elapsed time (perf_counter): time spent waiting counts.</summary>
    Wall,

    /// <summary>The thread's CPU time (thread_time): waiting costs nothing.</summary>
    Cpu,
}
