"""Checks a generated layout against the running interpreter (see tools/layoutgen/README.md).

    python3.X tools/layoutgen/verify.py src/Sonde.Remote/CPython/Layouts/Layout3_X.g.cs

Run by the CPython whose layout it checks: it follows the layout's offsets through its own memory with
ctypes (from _PyRuntime to the interpreter, this thread's state, the current frame and its code object, and
a few plain objects) and compares what it finds with what Python reports. Prints one line per failed
check and exits 1 if any failed; exits 0 with "ok" otherwise. Stdlib only; runs on 3.8+.
"""
import ctypes
import re
import sys
import threading

failures = []


def check(what, actual, expected):
    if actual != expected:
        failures.append("%s: read %r, expected %r" % (what, actual, expected))


def ptr(address):
    return ctypes.c_void_p.from_address(address).value or 0


def i32(address):
    return ctypes.c_int32.from_address(address).value


def u32(address):
    return ctypes.c_uint32.from_address(address).value


def i64(address):
    return ctypes.c_int64.from_address(address).value


def u64(address):
    return ctypes.c_uint64.from_address(address).value


def u8(address):
    return ctypes.c_uint8.from_address(address).value


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+) = (-?\d+),$", text, re.M)}


def check_code(L, code_address, code, where):
    check(where + " co_filename", ptr(code_address + L["CodeFilename"]), id(code.co_filename))
    check(where + " co_name", ptr(code_address + L["CodeName"]), id(code.co_name))
    if L["CodeQualname"] >= 0:
        check(where + " co_qualname", ptr(code_address + L["CodeQualname"]), id(code.co_qualname))
    check(where + " co_firstlineno", i32(code_address + L["CodeFirstLineNo"]), code.co_firstlineno)
    if L["CodeLnotab"] >= 0:
        check(where + " co_lnotab", ptr(code_address + L["CodeLnotab"]), id(code.co_lnotab))
    if L["CodeLinetable"] >= 0:
        check(where + " co_linetable", ptr(code_address + L["CodeLinetable"]), id(code.co_linetable))
    if L["CodeCode"] >= 0:
        check(where + " co_code", ptr(code_address + L["CodeCode"]), id(code.co_code))
    if L["CodeCodeAdaptive"] >= 0:
        # Quickening rewrites opcodes but never the operand of an instruction without a cache, so the
        # inline copy has the same length and most bytes of co_code.
        inline = ctypes.string_at(code_address + L["CodeCodeAdaptive"], len(code.co_code))
        same = sum(1 for a, b in zip(inline, code.co_code) if a == b)
        check(where + " co_code_adaptive mostly equals co_code", same * 2 > len(inline), True)
    check(where + " co_flags", i32(code_address + L["CodeFlags"]), code.co_flags)
    check(where + " co_argcount", i32(code_address + L["CodeArgCount"]), code.co_argcount)
    check(where + " co_nlocals", i32(code_address + L["CodeNLocals"]), code.co_nlocals)
    if L["CodeVarnames"] >= 0:
        check(where + " co_varnames", ptr(code_address + L["CodeVarnames"]), id(code.co_varnames))
    if L["CodeLocalsPlusNames"] >= 0:
        names = ctypes.cast(ptr(code_address + L["CodeLocalsPlusNames"]), ctypes.py_object).value
        expected = code.co_varnames + tuple(n for n in code.co_cellvars if n not in code.co_varnames) + code.co_freevars
        check(where + " co_localsplusnames", names, expected)
        check(where + " co_nlocalsplus", i32(code_address + L["CodeNLocalsPlus"]), len(expected))


def check_local_kinds(L):
    """co_localspluskinds marks plain locals, locals captured by a closure (cells) and comprehension variables."""
    if L["CodeLocalsPlusKinds"] < 0:
        return

    def outer(captured):
        plain = 1
        return lambda: captured + plain

    code = outer.__code__
    kinds = ctypes.cast(ptr(id(code) + L["CodeLocalsPlusKinds"]), ctypes.py_object).value
    names = ctypes.cast(ptr(id(code) + L["CodeLocalsPlusNames"]), ctypes.py_object).value
    by_name = dict(zip(names, kinds))
    local, cell = L["CoFastLocal"], L["CoFastCell"]
    check("captured argument is a local cell", by_name.get("captured", 0) & (local | cell), local | cell)
    check("captured local is only a cell", by_name.get("plain", 0) & (local | cell), cell)

    def plain_function():
        total = 0
        return total

    code = plain_function.__code__
    kinds = ctypes.cast(ptr(id(code) + L["CodeLocalsPlusKinds"]), ctypes.py_object).value
    check("plain local kind", kinds[0] & (local | cell), local)
    if L["CoFastHidden"] >= 0:
        # 3.12 inlines comprehensions; at module level their variables become hidden fast locals.
        code = compile("[hidden for hidden in range(3)]", "<comprehension>", "exec")
        kinds = ctypes.cast(ptr(id(code) + L["CodeLocalsPlusKinds"]), ctypes.py_object).value
        names = ctypes.cast(ptr(id(code) + L["CodeLocalsPlusNames"]), ctypes.py_object).value
        check("comprehension variable is hidden", dict(zip(names, kinds)).get("hidden", 0) & L["CoFastHidden"], L["CoFastHidden"])


def check_objects(L):
    obj = 12345
    check("ob_type", ptr(id(obj) + L["ObjectType"]), id(int))
    check("tp_name", ctypes.string_at(ptr(id(int) + L["TypeName"])), b"int")
    check("tp_flags", u64(id(int) + L["TypeFlags"]), int.__flags__)
    for tp in (int, tuple, type(sys), threading.Thread):
        check(tp.__name__ + " tp_basicsize", i64(id(tp) + L["TypeBasicSize"]), tp.__basicsize__)
        check(tp.__name__ + " tp_itemsize", i64(id(tp) + L["TypeItemSize"]), tp.__itemsize__)
        check(tp.__name__ + " tp_dictoffset", i64(id(tp) + L["TypeDictOffset"]), tp.__dictoffset__)
    check("heap type flag of a class", u64(id(threading.Thread) + L["TypeFlags"]) & L["TpFlagsHeapType"] != 0, True)
    check("heap type flag of int", u64(id(int) + L["TypeFlags"]) & L["TpFlagsHeapType"], 0)

    hashed = "".join(["layout", "hash"])
    expected_hash = hash(hashed)  # computed, and cached in the object, before it is read
    check("str hash", i64(id(hashed) + L["UnicodeHash"]), expected_hash)

    ascii_text = "".join(["layout", "gen"])  # built at run time: a fresh compact ASCII string
    state = u32(id(ascii_text) + L["UnicodeState"])
    check("ascii kind", (state >> L["UnicodeKindShift"]) & 7, 1)
    check("ascii compact bit", (state >> L["UnicodeCompactBit"]) & 1, 1)
    check("ascii ascii bit", (state >> L["UnicodeAsciiBit"]) & 1, 1)
    check("ascii length", i64(id(ascii_text) + L["UnicodeLength"]), len(ascii_text))
    check("ascii data", ctypes.string_at(id(ascii_text) + L["UnicodeAsciiSize"], 9), b"layoutgen")

    wide = "".join(["\u00e9t\u00e9 ", "\u20ac"])  # UCS-2, compact, not ASCII
    state = u32(id(wide) + L["UnicodeState"])
    check("ucs2 kind", (state >> L["UnicodeKindShift"]) & 7, 2)
    check("ucs2 compact bit", (state >> L["UnicodeCompactBit"]) & 1, 1)
    check("ucs2 ascii bit", (state >> L["UnicodeAsciiBit"]) & 1, 0)
    check("ucs2 length", i64(id(wide) + L["UnicodeLength"]), len(wide))
    check("ucs2 data", ctypes.string_at(id(wide) + L["UnicodeCompactSize"], 2 * len(wide)).decode("utf-16-le"), wide)

    data = bytes(range(7))
    check("bytes size", i64(id(data) + L["BytesSize"]), 7)
    check("bytes data", ctypes.string_at(id(data) + L["BytesData"], 7), data)
    check("var ob_size", i64(id(data) + L["VarObjectSize"]), 7)

    items = (data, ascii_text)
    check("tuple items", [ptr(id(items) + L["TupleItems"] + 8 * i) for i in range(2)], [id(data), id(ascii_text)])

    number = float("2.5")
    check("float value", ctypes.c_double.from_address(id(number) + L["FloatValue"]).value, 2.5)

    big = -(1 << (2 * L["LongDigitBits"])) - 5  # three digits, negative
    ndigits = 3
    if L["LongTag"] >= 0:
        tag = u64(id(big) + L["LongTag"])
        check("long tag digit count", tag >> L["LongNonSizeBits"], ndigits)
        check("long tag sign", tag & L["LongSignMask"], L["LongSignNegative"])
        positive = -big
        check("long tag positive sign", u64(id(positive) + L["LongTag"]) & L["LongSignMask"], 0)
    else:
        check("long ob_size", i64(id(big) + L["VarObjectSize"]), -ndigits)
    mask = (1 << L["LongDigitBits"]) - 1
    digits = [u32(id(big) + L["LongDigits"] + 4 * i) for i in range(ndigits)] if L["LongDigitBits"] == 30 else None
    if digits is not None:
        check("long digits", digits, [5 & mask, 0, 1])


def keys_geometry(L, keys):
    """The index table's slot count and width, and where the entries start."""
    if L["DictKeysSize"] >= 0:
        size = i64(keys + L["DictKeysSize"])
    else:
        size = 1 << u8(keys + L["DictKeysLog2Size"])
    width = 1 if size <= 0xFF else 2 if size <= 0xFFFF else 4 if size <= 0xFFFFFFFF else 8
    if L["DictKeysLog2IndexBytes"] >= 0:
        check("dk_log2_index_bytes", 1 << u8(keys + L["DictKeysLog2IndexBytes"]), size * width)
    return size, width, keys + L["DictKeysIndices"] + size * width


def read_entries(L, keys, unicode):
    """(key, value, hash or None) of each entry, through the layout."""
    count = i64(keys + L["DictKeysNentries"])
    size, width, entries = keys_geometry(L, keys)
    signed = {1: ctypes.c_int8, 2: ctypes.c_int16, 4: ctypes.c_int32, 8: ctypes.c_int64}[width]
    indices = sorted(v for v in (signed.from_address(keys + L["DictKeysIndices"] + i * width).value for i in range(size)) if v >= 0)
    check("index table points at every entry once", indices, list(range(count)))
    if unicode:
        step, key, value, hashed = L["DictUnicodeEntrySize"], L["DictUnicodeEntryKey"], L["DictUnicodeEntryValue"], None
    else:
        step, key, value, hashed = L["DictEntrySize"], L["DictEntryKey"], L["DictEntryValue"], L["DictEntryHash"]
    return [
        (ptr(entries + i * step + key), ptr(entries + i * step + value),
         None if hashed is None else i64(entries + i * step + hashed))
        for i in range(count)
    ]


def check_dicts(L):
    general = {1: "one", 2.5: "two", "three": 3}
    keys = ptr(id(general) + L["DictKeys"])
    check("ma_used", i64(id(general) + L["DictUsed"]), 3)
    check("ma_values of a combined dict", ptr(id(general) + L["DictValues"]), 0)
    if L["DictKeysKind"] >= 0:
        check("dk_kind of mixed keys", u8(keys + L["DictKeysKind"]), L["DictKindGeneral"])
    check("general entries", read_entries(L, keys, False), [(id(k), id(v), hash(k)) for k, v in general.items()])

    # Enough keys for two-byte indices.
    big = {"".join(["k", str(i)]): i for i in range(1000)}
    keys = ptr(id(big) + L["DictKeys"])
    unicode = L["DictKeysKind"] >= 0
    if unicode:
        check("dk_kind of str keys", u8(keys + L["DictKeysKind"]), L["DictKindUnicode"])
    expected = [(id(k), id(v), None if unicode else hash(k)) for k, v in big.items()]
    check("1000 str entries", read_entries(L, keys, unicode), expected)

    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    interp = ptr(runtime + L["RuntimeInterpretersMain"])
    check("interp modules", ptr(interp + L["InterpModules"]), id(sys.modules))
    check("module dict through tp_dictoffset", ptr(id(sys) + i64(id(type(sys)) + L["TypeDictOffset"])), id(sys.__dict__))


class Instance:
    pass


def check_instance_attributes(L):
    """An instance's attribute values before and after Python materializes its __dict__."""
    marker = object()
    obj = Instance()
    obj.first = 1
    obj.marker = marker
    tp = Instance
    flags = u64(id(tp) + L["TypeFlags"])
    cached = ptr(id(tp) + L["HeapTypeCachedKeys"])
    check("ht_cached_keys is set", cached != 0, True)
    if cached and L["DictKeysKind"] >= 0:
        check("cached keys are split", u8(cached + L["DictKeysKind"]), L["DictKindSplit"])
    names = [ctypes.cast(k, ctypes.py_object).value for k, _, _ in read_entries(L, cached, L["DictKeysKind"] >= 0)] if cached else []
    slot = names.index("marker") if "marker" in names else -1
    check("marker is a shared key", slot >= 0, True)

    values = 0
    if L["TpFlagsManagedDict"] >= 0:
        check("managed dict flag", flags & L["TpFlagsManagedDict"] != 0, True)
        word = u64(id(obj) - L["ObjectManagedDictBefore"])
        if L["ObjectManagedValuesBefore"] >= 0:
            check("no dict yet", word, 0)
            values = ptr(id(obj) - L["ObjectManagedValuesBefore"])
        elif L["DictOrValuesTag"] >= 0:
            check("dict-or-values holds values", word & L["DictOrValuesTag"], L["DictOrValuesTag"])
            values = word + L["DictOrValuesTag"]
        else:
            check("inline values flag", flags & L["TpFlagsInlineValues"] != 0, True)
            check("no dict yet", word, 0)
            values = id(obj) + L["ObjectInlineValues"]
            check("inline values are valid", u8(values + L["DictValuesValid"]), 1)
            check("inline values capacity", u8(values + L["DictValuesCapacity"]) > slot, True)
        if slot >= 0:
            check("value of marker without a dict", ptr(values + L["DictValuesArray"] + 8 * slot), id(marker))

    attributes = obj.__dict__  # materializes the dict on 3.11+
    if L["TpFlagsManagedDict"] >= 0:
        check("managed dict pointer", ptr(id(obj) - L["ObjectManagedDictBefore"]), id(attributes))
    else:
        check("dict through tp_dictoffset", ptr(id(obj) + i64(id(tp) + L["TypeDictOffset"])), id(attributes))
    split_values = ptr(id(attributes) + L["DictValues"])
    check("instance dict is split", split_values != 0, True)
    if split_values and slot >= 0:
        check("value of marker in the dict", ptr(split_values + L["DictValuesArray"] + 8 * slot), id(marker))


def walk(L):
    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    interp = ptr(runtime + L["RuntimeInterpretersHead"])
    check("interpreters.main == interpreters.head", ptr(runtime + L["RuntimeInterpretersMain"]), interp)
    check("interp id", i64(interp + L["InterpId"]), 0)
    check("interp next", ptr(interp + L["InterpNext"]), 0)

    # A second thread, waiting with the GIL released, so that the list has two links and only one GIL holder.
    release, waiting = threading.Event(), threading.Event()
    waiter = threading.Thread(target=lambda: (waiting.set(), release.wait()))
    waiter.start()
    waiting.wait()
    tstate = ptr(interp + L["InterpThreadsHead"])
    found = 0
    seen = 0
    previous = 0
    while tstate and seen < 1000:
        check("tstate interp", ptr(tstate + L["TstateInterp"]), interp)
        check("tstate prev", ptr(tstate + L["TstatePrev"]), previous)
        previous = tstate
        if u64(tstate + L["TstateThreadId"]) == threading.get_ident():
            found = tstate
        elif u64(tstate + L["TstateThreadId"]) == waiter.ident and L["TstateHoldsGilByte"] >= 0:
            check("a waiting thread's _status.holds_gil", u8(tstate + L["TstateHoldsGilByte"]) & L["TstateHoldsGilMask"], 0)
        tstate = ptr(tstate + L["TstateNext"])
        seen += 1
    release.set()
    waiter.join()
    check("this thread's state is in the list", found != 0, True)
    if not found:
        return
    tstate = found
    if L["TstateNativeThreadId"] >= 0:
        check("native_thread_id", u64(tstate + L["TstateNativeThreadId"]), threading.get_native_id())
    if L["TstateHoldsGilByte"] >= 0:
        # This thread runs Python code, so it holds the GIL.
        check("_status.holds_gil", u8(tstate + L["TstateHoldsGilByte"]) & L["TstateHoldsGilMask"] != 0, True)
    if L["RuntimeTstateCurrent"] >= 0:
        check("gilstate.tstate_current", ptr(runtime + L["RuntimeTstateCurrent"]), tstate)
        check("gil last_holder", ptr(runtime + L["RuntimeGilLastHolder"]), tstate)
        check("gil locked", i32(runtime + L["RuntimeGilLocked"]), 1)
    if L["InterpGilPointer"] >= 0:
        gil = ptr(interp + L["InterpGilPointer"])
        check("gil last_holder", ptr(gil + L["GilLastHolder"]), tstate)
        check("gil locked", i32(gil + L["GilLocked"]), 1)

    # The current frame is read inline (from_address is a C method, so no Python frame is pushed for
    # it): inside a helper such as ptr() the current frame would be the helper's.
    frame = sys._getframe()
    if L["TstateFrame"] >= 0:
        frame_address = ctypes.c_void_p.from_address(tstate + L["TstateFrame"]).value or 0
        check("tstate frame", frame_address, id(frame))
        check("f_code", ptr(frame_address + L["FrameCode"]), id(frame.f_code))
        check("f_back", ptr(frame_address + L["FrameBack"]), id(frame.f_back))
        check("f_globals", ptr(frame_address + L["FrameGlobals"]), id(frame.f_globals))
        check_code(L, ptr(frame_address + L["FrameCode"]), frame.f_code, "frame")
        return

    if L["TstateCframe"] >= 0:
        cframe = ctypes.c_void_p.from_address(tstate + L["TstateCframe"]).value or 0
        iframe = ctypes.c_void_p.from_address(cframe + L["CframeCurrentFrame"]).value or 0
    else:
        iframe = ctypes.c_void_p.from_address(tstate + L["TstateCurrentFrame"]).value or 0
    check("iframe code", ptr(iframe + L["IFrameCode"]), id(frame.f_code))
    check("iframe globals", ptr(iframe + L["IFrameGlobals"]), id(frame.f_globals))
    check("iframe owner", ctypes.c_int8.from_address(iframe + L["IFrameOwner"]).value, L["FrameOwnedByThread"])
    previous = ptr(iframe + L["IFramePrevious"])
    check("previous iframe code", ptr(previous + L["IFrameCode"]), id(frame.f_back.f_code))
    instr = ptr(iframe + L["IFrameInstrPtr"])
    code_start = ptr(iframe + L["IFrameCode"]) + L["CodeCodeAdaptive"]
    check("instruction pointer inside co_code_adaptive", code_start <= instr + 2 < code_start + len(frame.f_code.co_code) + 2, True)
    check_code(L, ptr(iframe + L["IFrameCode"]), frame.f_code, "iframe")

    # The current chunk's own `top` is only written when a newer chunk is pushed, so it is not checked.
    chunk = ptr(tstate + L["TstateDatastackChunk"])
    size = u64(chunk + L["StackChunkSize"])
    check("datastack chunk holds the current frame", chunk + L["StackChunkData"] <= iframe < chunk + size, True)
    depth = 0
    while chunk and depth < 100:
        check("datastack chunk %d size" % depth, 0 < u64(chunk + L["StackChunkSize"]) < (1 << 32), True)
        chunk = ptr(chunk + L["StackChunkPrevious"])
        depth += 1
    check("datastack chunks end in NULL", chunk, 0)


def check_subinterpreter(L, runtime, main):
    """With a second interpreter alive, the list head is the new one, with its id, pointing on to main."""
    module = None
    for name in ("_interpreters", "_xxsubinterpreters"):
        try:
            module = __import__(name)
            break
        except ImportError:
            pass
    if module is None:
        failures.append("cannot check InterpId and InterpNext: no _interpreters or _xxsubinterpreters module")
        return
    sub = module.create()
    try:
        sub_id = int(sub[0] if isinstance(sub, tuple) else sub)
        head = ptr(runtime + L["RuntimeInterpretersHead"])
        check("interpreters.head is the new interpreter", head != main, True)
        check("new interpreter id", i64(head + L["InterpId"]), sub_id)
        check("new interpreter next", ptr(head + L["InterpNext"]), main)
        check("interpreters.main", ptr(runtime + L["RuntimeInterpretersMain"]), main)
    finally:
        module.destroy(sub)


def check_debug_offsets(L):
    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    check("debug cookie", ctypes.string_at(runtime, 8), b"xdebugpy")
    check("debug version", u64(runtime + L["DebugOffsetsVersion"]), sys.hexversion)
    pairs = [
        ("DebugRuntimeInterpretersHead", "RuntimeInterpretersHead"),
        ("DebugInterpThreadsHead", "InterpThreadsHead"),
        ("DebugTstateCurrentFrame", "TstateCurrentFrame"),
        ("DebugTstateNativeThreadId", "TstateNativeThreadId"),
        ("DebugIFramePrevious", "IFramePrevious"),
        ("DebugIFrameCode", "IFrameCode"),
        ("DebugIFrameInstrPtr", "IFrameInstrPtr"),
        ("DebugCodeFilename", "CodeFilename"),
        ("DebugCodeQualname", "CodeQualname"),
        ("DebugCodeLinetable", "CodeLinetable"),
        ("DebugCodeFirstLineNo", "CodeFirstLineNo"),
    ]
    for debug, plain in pairs:
        check("_Py_DebugOffsets at " + debug, u64(runtime + L[debug]), L[plain])


def main():
    L = load(sys.argv[1])
    check("version", (L["Major"], L["Minor"]), sys.version_info[:2])
    if failures:
        print("\n".join(failures))
        return 1
    check_objects(L)
    check_local_kinds(L)
    check_dicts(L)
    check_instance_attributes(L)
    walk(L)
    # Last: switching to another interpreter and back leaves the GIL's last_holder pointing at its thread.
    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    check_subinterpreter(L, runtime, ptr(runtime + L["RuntimeInterpretersMain"]))
    if L["DebugOffsetsVersion"] >= 0:
        check_debug_offsets(L)
    if failures:
        print("\n".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
