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
    /// <summary><c>modules</c> (3.8-3.11) or <c>imports.modules</c> (3.12+): the dict behind <c>sys.modules</c>.</summary>
    public required int InterpModules { get; init; }
    /// <summary><c>ceval.gil</c>, a pointer to the interpreter's <c>struct _gil_runtime_state</c> (3.12+).</summary>
    public required int InterpGilPointer { get; init; }
    /// <summary><c>last_holder</c> inside <c>struct _gil_runtime_state</c> (3.12+).</summary>
    public required int GilLastHolder { get; init; }
    /// <summary><c>locked</c> inside <c>struct _gil_runtime_state</c> (3.12+).</summary>
    public required int GilLocked { get; init; }

    // PyThreadState
    /// <summary><c>prev</c>: the thread state before this one in its interpreter's list, null for the head.</summary>
    public required int TstatePrev { get; init; }
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
    /// <summary>The byte of the thread state holding <c>_status.holds_gil</c>, set while the thread holds the GIL (3.13+).</summary>
    public required int TstateHoldsGilByte { get; init; }
    /// <summary>The <c>holds_gil</c> bit's mask within <see cref="TstateHoldsGilByte"/> (3.13+).</summary>
    public required int TstateHoldsGilMask { get; init; }

    // _PyStackChunk (3.11+)
    public required int StackChunkPrevious { get; init; }
    public required int StackChunkSize { get; init; }
    public required int StackChunkTop { get; init; }
    public required int StackChunkData { get; init; }

    // PyFrameObject (3.8-3.10)
    public required int FrameBack { get; init; }
    public required int FrameCode { get; init; }
    /// <summary><c>f_globals</c>: with the code object, what tells a frame's function from another whose code reuses a freed one's address.</summary>
    public required int FrameGlobals { get; init; }
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
    /// <summary><c>f_globals</c>, as <see cref="FrameGlobals"/>.</summary>
    public required int IFrameGlobals { get; init; }
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
    /// <summary><c>co_localspluskinds</c>, a bytes object with one <c>CO_FAST_*</c> kind per slot (3.11+).</summary>
    public required int CodeLocalsPlusKinds { get; init; }
    /// <summary><c>CO_FAST_LOCAL</c>: the slot is a plain local (3.11+).</summary>
    public required int CoFastLocal { get; init; }
    /// <summary><c>CO_FAST_CELL</c>: the slot holds a cell, because a closure captures the local (3.11+).</summary>
    public required int CoFastCell { get; init; }
    /// <summary><c>CO_FAST_HIDDEN</c>: a variable of an inlined comprehension (3.12+).</summary>
    public required int CoFastHidden { get; init; }

    // Objects
    public required int ObjectType { get; init; }
    public required int VarObjectSize { get; init; }
    public required int TypeName { get; init; }
    public required int TypeFlags { get; init; }
    public required int TypeBasicSize { get; init; }
    public required int TypeItemSize { get; init; }
    /// <summary><c>tp_dictoffset</c>: where an instance keeps its <c>__dict__</c> pointer (negative: from the end).</summary>
    public required int TypeDictOffset { get; init; }
    /// <summary><c>ht_cached_keys</c> of a heap type: the keys its instances' attribute values share.</summary>
    public required int HeapTypeCachedKeys { get; init; }
    public required int TpFlagsHeapType { get; init; }
    /// <summary><c>Py_TPFLAGS_MANAGED_DICT</c>: the VM places the instance dict before the object (3.11+).</summary>
    public required int TpFlagsManagedDict { get; init; }
    /// <summary><c>Py_TPFLAGS_INLINE_VALUES</c>: attribute values live inside the object (3.13+).</summary>
    public required int TpFlagsInlineValues { get; init; }
    /// <summary>Bytes before a managed-dict object where its dict pointer (3.12: dict-or-values word) sits (3.11+).</summary>
    public required int ObjectManagedDictBefore { get; init; }
    /// <summary>Bytes before a managed-dict object where its values pointer sits (3.11 only).</summary>
    public required int ObjectManagedValuesBefore { get; init; }
    /// <summary>What the dict-or-values word adds to a values pointer, which also marks it as values (3.12 only).</summary>
    public required int DictOrValuesTag { get; init; }
    /// <summary>Offset of the inline <c>PyDictValues</c> inside an object with <c>Py_TPFLAGS_INLINE_VALUES</c> (3.13+).</summary>
    public required int ObjectInlineValues { get; init; }
    public required int UnicodeState { get; init; }
    public required int UnicodeLength { get; init; }
    /// <summary>The cached hash of a str, -1 until computed.</summary>
    public required int UnicodeHash { get; init; }
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
    /// <summary>The low bits of <c>lv_tag</c> that are not the digit count (3.12+).</summary>
    public required int LongNonSizeBits { get; init; }
    public required int LongSignMask { get; init; }
    public required int LongSignNegative { get; init; }

    // PyDictObject and PyDictKeysObject
    public required int DictUsed { get; init; }
    public required int DictKeys { get; init; }
    /// <summary><c>ma_values</c>: the values of a split table, null for a combined one.</summary>
    public required int DictValues { get; init; }
    /// <summary>Where the value pointers start in what <c>ma_values</c> points to (3.13 puts a header first).</summary>
    public required int DictValuesArray { get; init; }
    /// <summary><c>capacity</c> of a <c>PyDictValues</c> (3.13+).</summary>
    public required int DictValuesCapacity { get; init; }
    /// <summary><c>valid</c> of a <c>PyDictValues</c>: 0 once a materialized dict owns the values (3.13+).</summary>
    public required int DictValuesValid { get; init; }
    /// <summary><c>dk_size</c>, the number of index slots (3.8-3.10).</summary>
    public required int DictKeysSize { get; init; }
    /// <summary><c>dk_log2_size</c> (3.11+).</summary>
    public required int DictKeysLog2Size { get; init; }
    /// <summary><c>dk_log2_index_bytes</c> (3.11+).</summary>
    public required int DictKeysLog2IndexBytes { get; init; }
    /// <summary><c>dk_kind</c>: general, unicode or split keys (3.11+).</summary>
    public required int DictKeysKind { get; init; }
    public required int DictKeysNentries { get; init; }
    public required int DictKeysIndices { get; init; }
    public required int DictKindGeneral { get; init; }
    public required int DictKindUnicode { get; init; }
    public required int DictKindSplit { get; init; }
    /// <summary><c>PyDictKeyEntry</c>: hash, key and value, used by every table before 3.11 and by general ones after.</summary>
    public required int DictEntrySize { get; init; }
    public required int DictEntryHash { get; init; }
    public required int DictEntryKey { get; init; }
    public required int DictEntryValue { get; init; }
    /// <summary><c>PyDictUnicodeEntry</c>: key and value of a table whose keys are all str (3.11+).</summary>
    public required int DictUnicodeEntrySize { get; init; }
    public required int DictUnicodeEntryKey { get; init; }
    public required int DictUnicodeEntryValue { get; init; }

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

    /// <summary>Whether a thread state's own bytes say if it holds the GIL (3.13+), rather than the GIL's state.</summary>
    public bool TstateTellsGil => TstateHoldsGilByte >= 0;

    /// <summary>Whether the thread state read into <paramref name="tstate"/> holds the GIL; false where <see cref="TstateTellsGil"/> isn't so.</summary>
    public bool HoldsGil(ReadOnlySpan<byte> tstate) => TstateHoldsGilByte >= 0 && (tstate[TstateHoldsGilByte] & TstateHoldsGilMask) != 0;
}
