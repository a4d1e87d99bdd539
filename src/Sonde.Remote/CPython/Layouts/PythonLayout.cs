namespace Sonde.Remote.CPython.Layouts;

/// <summary>
/// Offsets and sizes of the CPython structures the sampler reads, for one minor version.
/// Values come from tools/layoutgen (a C probe compiled against that version's own headers) and are
/// committed as <c>Layout3_N.g.cs</c>; never edit them by hand. A field that does not exist in a
/// version is -1.
/// </summary>
public sealed record PythonLayout
{
    public required int Major { get; init; }
    public required int Minor { get; init; }

    // _PyRuntimeState
    public required int RuntimeInterpretersHead { get; init; }
    public required int RuntimeInterpretersMain { get; init; }
    /// <summary><c>gilstate.tstate_current</c> (3.8-3.11); -1 where the current thread state is thread-local.</summary>
    public required int RuntimeTstateCurrent { get; init; }
    /// <summary><c>ceval.gil.last_holder</c> inside the runtime (3.8-3.11).</summary>
    public required int RuntimeGilLastHolder { get; init; }
    /// <summary><c>ceval.gil.locked</c> inside the runtime (3.8-3.11).</summary>
    public required int RuntimeGilLocked { get; init; }

    // PyInterpreterState
    public required int InterpNext { get; init; }
    /// <summary><c>tstate_head</c> (3.8-3.10) or <c>threads.head</c> (3.11+).</summary>
    public required int InterpThreadsHead { get; init; }
    public required int InterpId { get; init; }
    /// <summary><c>ceval.gil</c>, a pointer to the interpreter's <c>struct _gil_runtime_state</c> (3.12+).</summary>
    public required int InterpGilPointer { get; init; }
    /// <summary><c>last_holder</c> inside <c>struct _gil_runtime_state</c> (3.12+).</summary>
    public required int GilLastHolder { get; init; }
    /// <summary><c>locked</c> inside <c>struct _gil_runtime_state</c> (3.12+).</summary>
    public required int GilLocked { get; init; }

    // PyThreadState
    public required int TstateNext { get; init; }
    public required int TstateInterp { get; init; }
    /// <summary><c>frame</c>, the current PyFrameObject (3.8-3.10).</summary>
    public required int TstateFrame { get; init; }
    /// <summary><c>cframe</c>, a pointer to a <c>_PyCFrame</c> (3.11-3.12).</summary>
    public required int TstateCframe { get; init; }
    /// <summary><c>current_frame</c> inside <c>_PyCFrame</c> (3.11-3.12).</summary>
    public required int CframeCurrentFrame { get; init; }
    /// <summary><c>current_frame</c> directly in the thread state (3.13+).</summary>
    public required int TstateCurrentFrame { get; init; }
    public required int TstateThreadId { get; init; }
    /// <summary><c>native_thread_id</c>, the kernel tid, where the version has it.</summary>
    public required int TstateNativeThreadId { get; init; }
    /// <summary><c>datastack_chunk</c> (3.11+).</summary>
    public required int TstateDatastackChunk { get; init; }

    // _PyStackChunk (3.11+)
    public required int StackChunkPrevious { get; init; }
    public required int StackChunkSize { get; init; }
    public required int StackChunkTop { get; init; }
    public required int StackChunkData { get; init; }

    // PyFrameObject (3.8-3.10)
    public required int FrameBack { get; init; }
    public required int FrameCode { get; init; }
    public required int FrameLasti { get; init; }
    public required int FrameLineno { get; init; }
    public required int FrameLocalsPlus { get; init; }
    /// <summary><c>f_executing</c>, non-zero while the frame runs (3.8-3.9).</summary>
    public required int FrameExecuting { get; init; }
    /// <summary><c>f_state</c>, 0 (FRAME_EXECUTING) while the frame runs (3.10).</summary>
    public required int FrameState { get; init; }

    // _PyInterpreterFrame (3.11+)
    /// <summary><c>f_code</c> (3.11-3.12) or <c>f_executable</c> (3.13).</summary>
    public required int IFrameCode { get; init; }
    public required int IFramePrevious { get; init; }
    /// <summary><c>prev_instr</c> (3.11-3.12) or <c>instr_ptr</c> (3.13).</summary>
    public required int IFrameInstrPtr { get; init; }
    public required int IFrameOwner { get; init; }
    /// <summary><c>is_entry</c> (3.11 only).</summary>
    public required int IFrameIsEntry { get; init; }
    public required int IFrameLocalsPlus { get; init; }
    public required int IFrameSize { get; init; }
    public required int FrameOwnedByThread { get; init; }
    public required int FrameOwnedByGenerator { get; init; }
    public required int FrameOwnedByFrameObject { get; init; }
    /// <summary>The owner value of shim/C-entry frames, which the walker skips (3.12+); -1 before.</summary>
    public required int FrameOwnedByCStack { get; init; }
    /// <summary><c>gi_iframe</c>: where a generator or coroutine object embeds its frame (3.11+).</summary>
    public required int GenIFrame { get; init; }
    /// <summary><c>gi_frame_state</c> of a generator or coroutine object (3.11+).</summary>
    public required int GenFrameState { get; init; }
    /// <summary>The value of FRAME_EXECUTING (3.11+).</summary>
    public required int FrameStateExecuting { get; init; }

    // PyCodeObject
    public required int CodeFilename { get; init; }
    public required int CodeName { get; init; }
    /// <summary><c>co_qualname</c> (3.11+).</summary>
    public required int CodeQualname { get; init; }
    public required int CodeFirstLineNo { get; init; }
    /// <summary><c>co_lnotab</c> (3.8-3.9).</summary>
    public required int CodeLnotab { get; init; }
    /// <summary><c>co_linetable</c> (3.10+).</summary>
    public required int CodeLinetable { get; init; }
    /// <summary><c>co_code</c>, a bytes object (3.8-3.10).</summary>
    public required int CodeCode { get; init; }
    /// <summary><c>co_code_adaptive</c>: the bytecode stored inline in the code object (3.11+).</summary>
    public required int CodeCodeAdaptive { get; init; }
    public required int CodeFlags { get; init; }
    public required int CodeArgCount { get; init; }
    public required int CodeNLocals { get; init; }
    /// <summary><c>co_varnames</c> (3.8-3.10).</summary>
    public required int CodeVarnames { get; init; }
    /// <summary><c>co_localsplusnames</c> (3.11+).</summary>
    public required int CodeLocalsPlusNames { get; init; }
    /// <summary><c>co_nlocalsplus</c> (3.11+).</summary>
    public required int CodeNLocalsPlus { get; init; }

    // Objects
    public required int ObjectType { get; init; }
    public required int VarObjectSize { get; init; }
    public required int TypeName { get; init; }
    public required int TypeFlags { get; init; }
    public required int UnicodeState { get; init; }
    public required int UnicodeLength { get; init; }
    public required int UnicodeAsciiSize { get; init; }
    public required int UnicodeCompactSize { get; init; }
    /// <summary>Bit position of <c>state.kind</c> (3 bits) in the 32-bit state word.</summary>
    public required int UnicodeKindShift { get; init; }
    public required int UnicodeCompactBit { get; init; }
    public required int UnicodeAsciiBit { get; init; }
    public required int BytesSize { get; init; }
    public required int BytesData { get; init; }
    public required int TupleItems { get; init; }
    public required int FloatValue { get; init; }
    /// <summary><c>ob_digit</c> of an int; before 3.12 the sign and size are in ob_size.</summary>
    public required int LongDigits { get; init; }
    /// <summary><c>long_value.lv_tag</c> (3.12+): size and sign of an int.</summary>
    public required int LongTag { get; init; }
    public required int LongDigitBits { get; init; }

    // _Py_DebugOffsets (3.13+): where the target's own copy of the table keeps some of the values above,
    // so the walker can cross-check the generated table against the running interpreter.
    public required int DebugOffsetsVersion { get; init; }
    public required int DebugRuntimeInterpretersHead { get; init; }
    public required int DebugInterpThreadsHead { get; init; }
    public required int DebugTstateCurrentFrame { get; init; }
    public required int DebugTstateNativeThreadId { get; init; }
    public required int DebugIFramePrevious { get; init; }
    public required int DebugIFrameCode { get; init; }
    public required int DebugIFrameInstrPtr { get; init; }
    public required int DebugCodeFilename { get; init; }
    public required int DebugCodeQualname { get; init; }
    public required int DebugCodeLinetable { get; init; }
    public required int DebugCodeFirstLineNo { get; init; }
}
