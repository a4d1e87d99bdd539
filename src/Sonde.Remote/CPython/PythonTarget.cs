using Sonde.Profiles.Errors;
using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>A CPython process Sonde has attached to: where its runtime is, and a reader for its interpreter.</summary>
public sealed class PythonTarget
{
    private PythonTarget(PythonBinary binary, RemoteInterpreter interpreter, IReadOnlyList<string> debugOffsetMismatches)
    {
        Binary = binary;
        Interpreter = interpreter;
        DebugOffsetMismatches = debugOffsetMismatches;
    }

    public PythonBinary Binary { get; }
    public RemoteInterpreter Interpreter { get; }

    /// <summary>On 3.13+, the generated offsets that the target's own <c>_Py_DebugOffsets</c> corrected; empty when they agree.</summary>
    public IReadOnlyList<string> DebugOffsetMismatches { get; }

    /// <summary>Attaches to a running process; throws a <see cref="TargetException"/> that says what to do when it can't.</summary>
    public static PythonTarget Attach(int pid)
    {
        var binary = PythonProcessLocator.Locate(pid);
        var layout = KnownLayouts.ForVersion(binary.Version.Major, binary.Version.Minor)
            ?? throw new TargetException($"process {pid} runs CPython {binary.Version}, which Sonde can't read; Sonde supports {PythonVersion.SupportedRange}");
        var memory = new ProcessVmMemory(pid);
        var (reconciled, mismatches) = DebugOffsets.Reconcile(memory, layout, binary.RuntimeAddress);
        return new PythonTarget(binary, new RemoteInterpreter(memory, reconciled, binary.RuntimeAddress, binary.Builtins), mismatches);
    }

    /// <summary>
    /// Attaches to a process Sonde just launched. Until it has exec'd the interpreter and mapped libpython (a
    /// pyenv shim or a wrapper script comes first), it doesn't look like Python yet, so keep trying while it
    /// lives. Null when it exits or the wait is cancelled first.
    /// </summary>
    public static PythonTarget? AttachWhenReady(int pid, Func<bool> alive, CancellationToken cancellation, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                return Attach(pid);
            }
            catch (TargetException) when (alive() && DateTime.UtcNow < deadline && !cancellation.IsCancellationRequested)
            {
                Thread.Sleep(5);
            }
            catch (TargetException) when (!alive() || cancellation.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}
