using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// CPython 3.13+ keeps a table of its own struct offsets, <c>_Py_DebugOffsets</c>, at the start of
/// <c>_PyRuntime</c>, for external readers like Sonde. It is the authority for the build actually running: each
/// offset it lists replaces the generated one, and the differences are kept for <c>--debug</c> and the tests.
/// </summary>
public static class DebugOffsets
{
    private static readonly byte[] _cookie = "xdebugpy"u8.ToArray();

    /// <summary>The layout to use, and the fields whose generated value differed from the target's own table.</summary>
    public static (PythonLayout Layout, IReadOnlyList<string> Mismatches) Reconcile(IProcessMemory memory, PythonLayout layout, ulong runtime)
    {
        if (layout.DebugOffsetsVersion < 0) return (layout, []);
        Span<byte> cookie = stackalloc byte[8];
        if (!memory.TryRead(runtime, cookie) || !cookie.SequenceEqual(_cookie)) return (layout, []);

        var mismatches = new List<string>();
        int Take(string name, int debugOffset, int generated)
        {
            if (debugOffset < 0 || !memory.TryReadPointer(runtime + (ulong)debugOffset, out var value) || value > 1 << 20) return generated;
            if ((int)value != generated) mismatches.Add($"{name}: table {generated}, target {value}");
            return (int)value;
        }

        var reconciled = layout with
        {
            RuntimeInterpretersHead = Take(nameof(layout.RuntimeInterpretersHead), layout.DebugRuntimeInterpretersHead, layout.RuntimeInterpretersHead),
            InterpThreadsHead = Take(nameof(layout.InterpThreadsHead), layout.DebugInterpThreadsHead, layout.InterpThreadsHead),
            TstateCurrentFrame = Take(nameof(layout.TstateCurrentFrame), layout.DebugTstateCurrentFrame, layout.TstateCurrentFrame),
            TstateNativeThreadId = Take(nameof(layout.TstateNativeThreadId), layout.DebugTstateNativeThreadId, layout.TstateNativeThreadId),
            IFramePrevious = Take(nameof(layout.IFramePrevious), layout.DebugIFramePrevious, layout.IFramePrevious),
            IFrameCode = Take(nameof(layout.IFrameCode), layout.DebugIFrameCode, layout.IFrameCode),
            IFrameInstrPtr = Take(nameof(layout.IFrameInstrPtr), layout.DebugIFrameInstrPtr, layout.IFrameInstrPtr),
            CodeFilename = Take(nameof(layout.CodeFilename), layout.DebugCodeFilename, layout.CodeFilename),
            CodeQualname = Take(nameof(layout.CodeQualname), layout.DebugCodeQualname, layout.CodeQualname),
            CodeLinetable = Take(nameof(layout.CodeLinetable), layout.DebugCodeLinetable, layout.CodeLinetable),
            CodeFirstLineNo = Take(nameof(layout.CodeFirstLineNo), layout.DebugCodeFirstLineNo, layout.CodeFirstLineNo),
        };
        return (reconciled, mismatches);
    }
}
