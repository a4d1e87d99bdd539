/*
 * Layout probe for Sonde (see tools/layoutgen/README.md).
 *
 * Compiled against one CPython version's own headers (3.8-3.13) and run on the build machine. It prints
 * every property of src/Sonde.Remote/CPython/Layouts/PythonLayout.cs, in declaration order, as
 * "Name=value": offsetof/sizeof, enum constants and bit positions. A field that does not exist in the
 * version prints -1. The first line is "PyVersion=3.X.Y" (from the headers' PY_VERSION), which
 * generate.sh puts in the header comment instead of a property.
 *
 * Nothing here calls into libpython, so the probe needs the headers only.
 */
#define Py_BUILD_CORE 1

#include <Python.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if PY_VERSION_HEX < 0x03080000 || PY_VERSION_HEX >= 0x030E0000
#error "layoutgen supports CPython 3.8 to 3.13"
#endif

#if PY_VERSION_HEX < 0x03090000
/* 3.8: _PyRuntimeState and PyInterpreterState live in pycore_pystate.h. */
#include <internal/pycore_pystate.h>
#else
#include <internal/pycore_runtime.h>
#include <internal/pycore_interp.h>
#include <internal/pycore_pystate.h>
#endif

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h>   /* PyFrameObject */
#include <longintrepr.h>   /* PyLongObject, PyLong_SHIFT */
#else
#include <internal/pycore_frame.h>  /* _PyInterpreterFrame, enum _frameowner */
#include <internal/pycore_code.h>   /* CO_FAST_* */
#include <internal/pycore_dict.h>   /* struct _dictkeysobject, PyDictKeyEntry, PyDictUnicodeEntry */
#include <internal/pycore_object.h> /* where managed dicts and inline values sit */
#endif
#if PY_VERSION_HEX >= 0x030C0000
#include <internal/pycore_long.h>   /* lv_tag: SIGN_MASK, SIGN_NEGATIVE, NON_SIZE_BITS */
#endif

#if PY_VERSION_HEX < 0x030B0000
/* Before 3.11 the dict keys object is private to Objects/dictobject.c (declared in Objects/dict-common.h, which is
 * not installed). These mirror that file's declarations of the fields Sonde reads, field for field; verify.py
 * follows them through a live dict, so a wrong mirror fails the tests. */
typedef struct {
    Py_hash_t me_hash;
    PyObject *me_key;
    PyObject *me_value;
} PyDictKeyEntry;

struct _dictkeysobject {
    Py_ssize_t dk_refcnt;
    Py_ssize_t dk_size;
    void *dk_lookup;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
};
#endif

#define ABSENT (-1L)

static void put(const char *name, long value)
{
    printf("%s=%ld\n", name, value);
}

#define OFF(name, type, member) put(name, (long)offsetof(type, member))
#define SIZE(name, type) put(name, (long)sizeof(type))
#define VAL(name, value) put(name, (long)(value))
#define NONE(name) put(name, ABSENT)

/* Bit position (0-31) of the lowest bit that differs between the state word of a zeroed PyASCIIObject and
 * one where the probe has set a bitfield. */
static long state_bit(const PyASCIIObject *changed)
{
    uint32_t word;
    memcpy(&word, (const char *)changed + offsetof(PyASCIIObject, state), sizeof word);
    for (long bit = 0; bit < 32; bit++) {
        if (word & ((uint32_t)1 << bit)) {
            return bit;
        }
    }
    fprintf(stderr, "probe: setting a unicode state bitfield changed no bit in the first 32-bit word\n");
    return -2;
}

/*
 * 3.13+: the byte of PyThreadState that holds _status.holds_gil, and that bit's mask within it, found by setting
 * the bitfield in one zeroed thread state and comparing it with another.
 */
static void holds_gil_bit(void)
{
#if PY_VERSION_HEX >= 0x030D0000
    static PyThreadState zeroed, with_bit;
    with_bit._status.holds_gil = 1;
    const unsigned char *a = (const unsigned char *)&zeroed, *b = (const unsigned char *)&with_bit;
    for (size_t i = 0; i < sizeof with_bit; i++) {
        if (a[i] != b[i]) {
            VAL("TstateHoldsGilByte", i);
            VAL("TstateHoldsGilMask", a[i] ^ b[i]);
            return;
        }
    }
    fprintf(stderr, "probe: setting _status.holds_gil changed no byte of the thread state\n");
    VAL("TstateHoldsGilByte", -2);
    VAL("TstateHoldsGilMask", -2);
#else
    NONE("TstateHoldsGilByte");
    NONE("TstateHoldsGilMask");
#endif
}

/*
 * Where CPython keeps an instance's dict (and, without one, its attribute values) around the object, found by
 * calling the interpreter's own inline accessors on a fake object whose type has the flags they assert. Offsets
 * before the object are printed as positive byte counts, since -1 means "absent".
 */
static void managed_dict_placement(void)
{
#if PY_VERSION_HEX >= 0x030B0000
    static PyTypeObject type;
    static _Alignas(16) char arena[256];
    PyObject *obj = (PyObject *)(arena + 128);
    type.tp_flags = Py_TPFLAGS_MANAGED_DICT;
#if PY_VERSION_HEX >= 0x030D0000
    type.tp_flags |= Py_TPFLAGS_INLINE_VALUES;
    type.tp_basicsize = sizeof(PyObject);
#endif
    obj->ob_type = &type;
#endif

#if PY_VERSION_HEX >= 0x030D0000
    VAL("ObjectManagedDictBefore", (char *)obj - (char *)_PyObject_ManagedDictPointer(obj));
    NONE("ObjectManagedValuesBefore");
    NONE("DictOrValuesTag");
    VAL("ObjectInlineValues", (char *)_PyObject_InlineValues(obj) - (char *)obj);
#elif PY_VERSION_HEX >= 0x030C0000
    VAL("ObjectManagedDictBefore", (char *)obj - (char *)_PyObject_DictOrValuesPointer(obj));
    NONE("ObjectManagedValuesBefore");
    {
        /* A values pointer is stored tagged: the stored word is the pointer minus the tag, which sets bit 0. */
        PyDictOrValues dorv;
        PyDictValues *values = (PyDictValues *)(arena + 64);
        _PyDictOrValues_SetValues(&dorv, values);
        long tag = (long)((char *)values - dorv.values);
        VAL("DictOrValuesTag", _PyDictOrValues_IsValues(dorv) && _PyDictOrValues_GetValues(dorv) == values ? tag : -2);
    }
    NONE("ObjectInlineValues");
#elif PY_VERSION_HEX >= 0x030B0000
    VAL("ObjectManagedDictBefore", (char *)obj - (char *)_PyObject_ManagedDictPointer(obj));
    VAL("ObjectManagedValuesBefore", (char *)obj - (char *)_PyObject_ValuesPointer(obj));
    NONE("DictOrValuesTag");
    NONE("ObjectInlineValues");
#else
    NONE("ObjectManagedDictBefore");
    NONE("ObjectManagedValuesBefore");
    NONE("DictOrValuesTag");
    NONE("ObjectInlineValues");
#endif
}

int main(void)
{
    printf("PyVersion=%s\n", PY_VERSION);
    VAL("Major", PY_MAJOR_VERSION);
    VAL("Minor", PY_MINOR_VERSION);

    /* ---- _PyRuntimeState ---- */
    OFF("RuntimeInterpretersHead", _PyRuntimeState, interpreters.head);
    OFF("RuntimeInterpretersMain", _PyRuntimeState, interpreters.main);
#if PY_VERSION_HEX < 0x030C0000
    OFF("RuntimeTstateCurrent", _PyRuntimeState, gilstate.tstate_current);
    OFF("RuntimeGilLastHolder", _PyRuntimeState, ceval.gil.last_holder);
    OFF("RuntimeGilLocked", _PyRuntimeState, ceval.gil.locked);
#else
    /* 3.12+: the current thread state is the thread-local _Py_tss_tstate, and each interpreter points
     * to its GIL. */
    NONE("RuntimeTstateCurrent");
    NONE("RuntimeGilLastHolder");
    NONE("RuntimeGilLocked");
#endif

    /* ---- PyInterpreterState ---- */
    OFF("InterpNext", PyInterpreterState, next);
#if PY_VERSION_HEX < 0x030B0000
    OFF("InterpThreadsHead", PyInterpreterState, tstate_head);
#else
    OFF("InterpThreadsHead", PyInterpreterState, threads.head);
#endif
    OFF("InterpId", PyInterpreterState, id);
#if PY_VERSION_HEX >= 0x030C0000
    OFF("InterpModules", PyInterpreterState, imports.modules);
#else
    OFF("InterpModules", PyInterpreterState, modules);
#endif
#if PY_VERSION_HEX >= 0x030C0000
    OFF("InterpGilPointer", PyInterpreterState, ceval.gil);
    OFF("GilLastHolder", struct _gil_runtime_state, last_holder);
    OFF("GilLocked", struct _gil_runtime_state, locked);
#else
    NONE("InterpGilPointer");
    NONE("GilLastHolder");
    NONE("GilLocked");
#endif

    /* ---- PyThreadState ---- */
    OFF("TstatePrev", PyThreadState, prev);
    OFF("TstateNext", PyThreadState, next);
    OFF("TstateInterp", PyThreadState, interp);
#if PY_VERSION_HEX < 0x030B0000
    OFF("TstateFrame", PyThreadState, frame);
    NONE("TstateCframe");
    NONE("CframeCurrentFrame");
    NONE("TstateCurrentFrame");
#elif PY_VERSION_HEX < 0x030D0000
    NONE("TstateFrame");
    OFF("TstateCframe", PyThreadState, cframe);
    OFF("CframeCurrentFrame", _PyCFrame, current_frame);
    NONE("TstateCurrentFrame");
#else
    NONE("TstateFrame");
    NONE("TstateCframe");
    NONE("CframeCurrentFrame");
    OFF("TstateCurrentFrame", PyThreadState, current_frame);
#endif
    OFF("TstateThreadId", PyThreadState, thread_id);
#if PY_VERSION_HEX >= 0x030B0000
    OFF("TstateNativeThreadId", PyThreadState, native_thread_id);
    OFF("TstateDatastackChunk", PyThreadState, datastack_chunk);
#else
    NONE("TstateNativeThreadId");
    NONE("TstateDatastackChunk");
#endif
    holds_gil_bit();

    /* ---- _PyStackChunk (3.11+) ---- */
#if PY_VERSION_HEX >= 0x030B0000
    OFF("StackChunkPrevious", _PyStackChunk, previous);
    OFF("StackChunkSize", _PyStackChunk, size);
    OFF("StackChunkTop", _PyStackChunk, top);
    OFF("StackChunkData", _PyStackChunk, data);
#else
    NONE("StackChunkPrevious");
    NONE("StackChunkSize");
    NONE("StackChunkTop");
    NONE("StackChunkData");
#endif

    /* ---- PyFrameObject (3.8-3.10) ---- */
#if PY_VERSION_HEX < 0x030B0000
    OFF("FrameBack", PyFrameObject, f_back);
    OFF("FrameCode", PyFrameObject, f_code);
    OFF("FrameGlobals", PyFrameObject, f_globals);
    OFF("FrameLasti", PyFrameObject, f_lasti);
    OFF("FrameLineno", PyFrameObject, f_lineno);
    OFF("FrameLocalsPlus", PyFrameObject, f_localsplus);
#if PY_VERSION_HEX >= 0x030A0000
    NONE("FrameExecuting");
    OFF("FrameState", PyFrameObject, f_state);
#else
    OFF("FrameExecuting", PyFrameObject, f_executing);
    NONE("FrameState");
#endif
#else
    NONE("FrameBack");
    NONE("FrameCode");
    NONE("FrameGlobals");
    NONE("FrameLasti");
    NONE("FrameLineno");
    NONE("FrameLocalsPlus");
    NONE("FrameExecuting");
    NONE("FrameState");
#endif

    /* ---- _PyInterpreterFrame (3.11+) ---- */
#if PY_VERSION_HEX >= 0x030B0000
#if PY_VERSION_HEX >= 0x030D0000
    OFF("IFrameCode", _PyInterpreterFrame, f_executable);
#else
    OFF("IFrameCode", _PyInterpreterFrame, f_code);
#endif
    OFF("IFrameGlobals", _PyInterpreterFrame, f_globals);
    OFF("IFramePrevious", _PyInterpreterFrame, previous);
#if PY_VERSION_HEX >= 0x030D0000
    OFF("IFrameInstrPtr", _PyInterpreterFrame, instr_ptr);
#else
    OFF("IFrameInstrPtr", _PyInterpreterFrame, prev_instr);
#endif
    OFF("IFrameOwner", _PyInterpreterFrame, owner);
#if PY_VERSION_HEX < 0x030C0000
    OFF("IFrameIsEntry", _PyInterpreterFrame, is_entry);
#else
    NONE("IFrameIsEntry");
#endif
    OFF("IFrameLocalsPlus", _PyInterpreterFrame, localsplus);
    SIZE("IFrameSize", _PyInterpreterFrame);
    VAL("FrameOwnedByThread", FRAME_OWNED_BY_THREAD);
    VAL("FrameOwnedByGenerator", FRAME_OWNED_BY_GENERATOR);
    VAL("FrameOwnedByFrameObject", FRAME_OWNED_BY_FRAME_OBJECT);
#if PY_VERSION_HEX >= 0x030C0000
    VAL("FrameOwnedByCStack", FRAME_OWNED_BY_CSTACK);
#else
    NONE("FrameOwnedByCStack");
#endif
    OFF("GenIFrame", PyGenObject, gi_iframe);
    OFF("GenFrameState", PyGenObject, gi_frame_state);
    VAL("FrameStateExecuting", FRAME_EXECUTING);
#else
    NONE("IFrameCode");
    NONE("IFrameGlobals");
    NONE("IFramePrevious");
    NONE("IFrameInstrPtr");
    NONE("IFrameOwner");
    NONE("IFrameIsEntry");
    NONE("IFrameLocalsPlus");
    NONE("IFrameSize");
    NONE("FrameOwnedByThread");
    NONE("FrameOwnedByGenerator");
    NONE("FrameOwnedByFrameObject");
    NONE("FrameOwnedByCStack");
    NONE("GenIFrame");
    NONE("GenFrameState");
    NONE("FrameStateExecuting");
#endif

    /* ---- PyCodeObject ---- */
    OFF("CodeFilename", PyCodeObject, co_filename);
    OFF("CodeName", PyCodeObject, co_name);
#if PY_VERSION_HEX >= 0x030B0000
    OFF("CodeQualname", PyCodeObject, co_qualname);
#else
    NONE("CodeQualname");
#endif
    OFF("CodeFirstLineNo", PyCodeObject, co_firstlineno);
#if PY_VERSION_HEX < 0x030A0000
    OFF("CodeLnotab", PyCodeObject, co_lnotab);
    NONE("CodeLinetable");
#else
    NONE("CodeLnotab");
    OFF("CodeLinetable", PyCodeObject, co_linetable);
#endif
#if PY_VERSION_HEX < 0x030B0000
    OFF("CodeCode", PyCodeObject, co_code);
    NONE("CodeCodeAdaptive");
#else
    NONE("CodeCode");
    OFF("CodeCodeAdaptive", PyCodeObject, co_code_adaptive);
#endif
    OFF("CodeFlags", PyCodeObject, co_flags);
    OFF("CodeArgCount", PyCodeObject, co_argcount);
    OFF("CodeNLocals", PyCodeObject, co_nlocals);
#if PY_VERSION_HEX < 0x030B0000
    OFF("CodeVarnames", PyCodeObject, co_varnames);
    NONE("CodeLocalsPlusNames");
    NONE("CodeNLocalsPlus");
#else
    NONE("CodeVarnames");
    OFF("CodeLocalsPlusNames", PyCodeObject, co_localsplusnames);
    OFF("CodeNLocalsPlus", PyCodeObject, co_nlocalsplus);
#endif
#if PY_VERSION_HEX >= 0x030B0000
    OFF("CodeLocalsPlusKinds", PyCodeObject, co_localspluskinds);
    VAL("CoFastLocal", CO_FAST_LOCAL);
    VAL("CoFastCell", CO_FAST_CELL);
#else
    NONE("CodeLocalsPlusKinds");
    NONE("CoFastLocal");
    NONE("CoFastCell");
#endif
#if PY_VERSION_HEX >= 0x030C0000
    VAL("CoFastHidden", CO_FAST_HIDDEN);
#else
    NONE("CoFastHidden");
#endif

    /* ---- Objects ---- */
    OFF("ObjectType", PyObject, ob_type);
    OFF("VarObjectSize", PyVarObject, ob_size);
    OFF("TypeName", PyTypeObject, tp_name);
    OFF("TypeFlags", PyTypeObject, tp_flags);
    OFF("TypeBasicSize", PyTypeObject, tp_basicsize);
    OFF("TypeItemSize", PyTypeObject, tp_itemsize);
    OFF("TypeDictOffset", PyTypeObject, tp_dictoffset);
    OFF("HeapTypeCachedKeys", PyHeapTypeObject, ht_cached_keys);
    VAL("TpFlagsHeapType", Py_TPFLAGS_HEAPTYPE);
#if PY_VERSION_HEX >= 0x030B0000
    VAL("TpFlagsManagedDict", Py_TPFLAGS_MANAGED_DICT);
#else
    NONE("TpFlagsManagedDict");
#endif
#if PY_VERSION_HEX >= 0x030D0000
    VAL("TpFlagsInlineValues", Py_TPFLAGS_INLINE_VALUES);
#else
    NONE("TpFlagsInlineValues");
#endif
    managed_dict_placement();
    OFF("UnicodeState", PyASCIIObject, state);
    OFF("UnicodeLength", PyASCIIObject, length);
    OFF("UnicodeHash", PyASCIIObject, hash);
    SIZE("UnicodeAsciiSize", PyASCIIObject);
    SIZE("UnicodeCompactSize", PyCompactUnicodeObject);
    {
        PyASCIIObject probe;
        memset(&probe, 0, sizeof probe);
        probe.state.kind = 1;
        VAL("UnicodeKindShift", state_bit(&probe));
        memset(&probe, 0, sizeof probe);
        probe.state.compact = 1;
        VAL("UnicodeCompactBit", state_bit(&probe));
        memset(&probe, 0, sizeof probe);
        probe.state.ascii = 1;
        VAL("UnicodeAsciiBit", state_bit(&probe));
    }
    /* The length of a bytes object is its ob_size. */
    OFF("BytesSize", PyBytesObject, ob_base.ob_size);
    OFF("BytesData", PyBytesObject, ob_sval);
    OFF("TupleItems", PyTupleObject, ob_item);
    OFF("FloatValue", PyFloatObject, ob_fval);
#if PY_VERSION_HEX >= 0x030C0000
    OFF("LongDigits", PyLongObject, long_value.ob_digit);
    OFF("LongTag", PyLongObject, long_value.lv_tag);
#else
    OFF("LongDigits", PyLongObject, ob_digit);
    NONE("LongTag");
#endif
    VAL("LongDigitBits", PyLong_SHIFT);
#if PY_VERSION_HEX >= 0x030C0000
    VAL("LongNonSizeBits", NON_SIZE_BITS);
    VAL("LongSignMask", SIGN_MASK);
    VAL("LongSignNegative", SIGN_NEGATIVE);
#else
    NONE("LongNonSizeBits");
    NONE("LongSignMask");
    NONE("LongSignNegative");
#endif

    /* ---- PyDictObject and its keys ---- */
    OFF("DictUsed", PyDictObject, ma_used);
    OFF("DictKeys", PyDictObject, ma_keys);
    OFF("DictValues", PyDictObject, ma_values);
#if PY_VERSION_HEX >= 0x030D0000
    OFF("DictValuesArray", PyDictValues, values);
    OFF("DictValuesCapacity", PyDictValues, capacity);
    OFF("DictValuesValid", PyDictValues, valid);
#elif PY_VERSION_HEX >= 0x030B0000
    OFF("DictValuesArray", PyDictValues, values);
    NONE("DictValuesCapacity");
    NONE("DictValuesValid");
#else
    /* ma_values is a plain PyObject ** before 3.11: the array starts where it points. */
    VAL("DictValuesArray", 0);
    NONE("DictValuesCapacity");
    NONE("DictValuesValid");
#endif
#if PY_VERSION_HEX < 0x030B0000
    OFF("DictKeysSize", PyDictKeysObject, dk_size);
    NONE("DictKeysLog2Size");
    NONE("DictKeysLog2IndexBytes");
    NONE("DictKeysKind");
#else
    NONE("DictKeysSize");
    OFF("DictKeysLog2Size", PyDictKeysObject, dk_log2_size);
    OFF("DictKeysLog2IndexBytes", PyDictKeysObject, dk_log2_index_bytes);
    OFF("DictKeysKind", PyDictKeysObject, dk_kind);
#endif
    OFF("DictKeysNentries", PyDictKeysObject, dk_nentries);
    OFF("DictKeysIndices", PyDictKeysObject, dk_indices);
#if PY_VERSION_HEX >= 0x030B0000
    VAL("DictKindGeneral", DICT_KEYS_GENERAL);
    VAL("DictKindUnicode", DICT_KEYS_UNICODE);
    VAL("DictKindSplit", DICT_KEYS_SPLIT);
#else
    NONE("DictKindGeneral");
    NONE("DictKindUnicode");
    NONE("DictKindSplit");
#endif
    SIZE("DictEntrySize", PyDictKeyEntry);
    OFF("DictEntryHash", PyDictKeyEntry, me_hash);
    OFF("DictEntryKey", PyDictKeyEntry, me_key);
    OFF("DictEntryValue", PyDictKeyEntry, me_value);
#if PY_VERSION_HEX >= 0x030B0000
    SIZE("DictUnicodeEntrySize", PyDictUnicodeEntry);
    OFF("DictUnicodeEntryKey", PyDictUnicodeEntry, me_key);
    OFF("DictUnicodeEntryValue", PyDictUnicodeEntry, me_value);
#else
    NONE("DictUnicodeEntrySize");
    NONE("DictUnicodeEntryKey");
    NONE("DictUnicodeEntryValue");
#endif

    /* ---- _Py_DebugOffsets (3.13+): where the target's table keeps each value ---- */
#if PY_VERSION_HEX >= 0x030D0000
    OFF("DebugOffsetsVersion", struct _Py_DebugOffsets, version);
    OFF("DebugRuntimeInterpretersHead", struct _Py_DebugOffsets, runtime_state.interpreters_head);
    OFF("DebugInterpThreadsHead", struct _Py_DebugOffsets, interpreter_state.threads_head);
    OFF("DebugTstateCurrentFrame", struct _Py_DebugOffsets, thread_state.current_frame);
    OFF("DebugTstateNativeThreadId", struct _Py_DebugOffsets, thread_state.native_thread_id);
    OFF("DebugIFramePrevious", struct _Py_DebugOffsets, interpreter_frame.previous);
    OFF("DebugIFrameCode", struct _Py_DebugOffsets, interpreter_frame.executable);
    OFF("DebugIFrameInstrPtr", struct _Py_DebugOffsets, interpreter_frame.instr_ptr);
    OFF("DebugCodeFilename", struct _Py_DebugOffsets, code_object.filename);
    OFF("DebugCodeQualname", struct _Py_DebugOffsets, code_object.qualname);
    OFF("DebugCodeLinetable", struct _Py_DebugOffsets, code_object.linetable);
    OFF("DebugCodeFirstLineNo", struct _Py_DebugOffsets, code_object.firstlineno);
#else
    NONE("DebugOffsetsVersion");
    NONE("DebugRuntimeInterpretersHead");
    NONE("DebugInterpThreadsHead");
    NONE("DebugTstateCurrentFrame");
    NONE("DebugTstateNativeThreadId");
    NONE("DebugIFramePrevious");
    NONE("DebugIFrameCode");
    NONE("DebugIFrameInstrPtr");
    NONE("DebugCodeFilename");
    NONE("DebugCodeQualname");
    NONE("DebugCodeLinetable");
    NONE("DebugCodeFirstLineNo");
#endif

    return ferror(stdout) ? 1 : 0;
}
