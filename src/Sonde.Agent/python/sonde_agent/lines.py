"""Line timings for the functions `--lines MODULE:FUNC` chooses: hits and time per line, as line_profiler has them.

A line's time runs from its LINE event to the next event of the same frame (the next line, a return, a yield),
so it includes the calls the line makes. One clock reading per event, as line_profiler takes: the tracer's own
cost lands in the lines' times rather than being paid twice. Each thread has its own tables, so the counts are
exact.

From 3.12 sys.monitoring reports LINE events for the chosen code objects only; any other function costs one
callback on its first call (PY_START, which then disables itself for that function). Below 3.12 a trace function
is consulted on every call and returns a line tracer only for the chosen functions.
"""
import _thread
import array
import os
import struct
import sys
import time
from fnmatch import fnmatchcase

from . import compiled, wire


def for_this_python(options, agent_dir):
    if sys.version_info >= (3, 12):
        return MonitoringLines(options, agent_dir)
    return TraceLines(options, agent_dir)


class LineFunction:
    __slots__ = ("lid", "code", "qualname", "patterns", "source", "announced")

    def __init__(self, lid, code, qualname, patterns, source):
        self.lid = lid
        self.code = code
        self.qualname = qualname
        self.patterns = patterns
        self.source = source
        self.announced = False


def _source_of(code, module_globals):
    # Read while resolving, which happens inside a trace or monitoring callback, where no profiler sees it.
    first = code.co_firstlineno
    last = max(_line_numbers(code))
    try:
        import linecache
        return [line.rstrip("\r\n") for line in linecache.getlines(code.co_filename, module_globals)[first - 1:last]]
    except Exception:
        return []


def _module_aliases(module_globals, code):
    """The names a pattern's MODULE may use: the module's own, and for __main__ the name it was started by
    (`app` for `python app.py`, `pkg.tool` for `python -m pkg.tool`)."""
    name = module_globals.get("__name__") or ""
    aliases = [name]
    if name == "__main__":
        spec = module_globals.get("__spec__")
        if spec is not None and getattr(spec, "name", None):
            aliases.append(spec.name)
        else:
            path = module_globals.get("__file__") or code.co_filename
            aliases.append(os.path.splitext(os.path.basename(path))[0])
    return aliases


def _qualname(code, module_globals):
    """co_qualname from 3.11; before, found through the module's functions and classes (one level deep),
    else the bare name."""
    qualname = getattr(code, "co_qualname", None)
    if qualname is not None:
        return qualname
    for value in list(module_globals.values()):
        if getattr(value, "__code__", None) is code:
            return getattr(value, "__qualname__", code.co_name)
        if isinstance(value, type) and value.__module__ == module_globals.get("__name__"):
            for member in list(vars(value).values()):
                member = getattr(member, "__func__", member)
                if getattr(member, "__code__", None) is code:
                    return getattr(member, "__qualname__", code.co_name)
    return code.co_name


def _line_numbers(code):
    if hasattr(code, "co_lines"):
        numbers = [line for _, _, line in code.co_lines() if line is not None]
    else:
        # 3.8 and 3.9: co_lnotab pairs a bytecode step with a signed line step.
        line = code.co_firstlineno
        numbers = [line]
        table = code.co_lnotab
        for index in range(1, len(table), 2):
            step = table[index]
            line += step - 256 if step >= 128 else step
            numbers.append(line)
    for constant in code.co_consts:
        if hasattr(constant, "co_firstlineno"):
            numbers.extend(_line_numbers(constant))
    return numbers


class Lines:
    """What both ways of timing lines share: choosing functions, and sending their tables."""

    def __init__(self, options, agent_dir):
        self.patterns = options.line_patterns
        # fnmatch compiles (and caches) each pattern on first use: done now, so that cost isn't charged to
        # whichever function happens to be resolved first.
        for module, function in self.patterns:
            fnmatchcase("", module)
            fnmatchcase("", function)
        # sonde mem gives its own clock: traced bytes, so a line's "time" is the memory it added.
        self.clock = getattr(options, "line_clock", None) or (time.thread_time_ns if options.cpu_clock else time.perf_counter_ns)
        self.native = compiled.load("sonde_trace")
        self.agent_dir = agent_dir
        self.by_module = {}
        self.resolved = {}
        self.functions = []
        self.lock = _thread.allocate_lock()

    def resolve(self, code, module_globals):
        """Whether a function seen for the first time is one to time. The module's part of the patterns is
        decided once per module, so most functions cost two dictionary lookups."""
        chosen = False
        if not code.co_filename.startswith(self.agent_dir):
            module = module_globals.get("__name__") or ""
            candidates = self.by_module.get(module)
            if candidates is None:
                aliases = _module_aliases(module_globals, code)
                candidates = self.by_module[module] = [
                    index for index, (pattern, _) in enumerate(self.patterns)
                    if any(fnmatchcase(alias, pattern) for alias in aliases)
                ]
            if candidates:
                qualname = _qualname(code, module_globals)
                matched = [
                    index for index in candidates
                    if fnmatchcase(qualname, self.patterns[index][1]) or fnmatchcase(code.co_name, self.patterns[index][1])
                ]
                if matched:
                    with self.lock:
                        chosen = self.resolved.get(code)
                        if not chosen:
                            chosen = LineFunction(len(self.functions) + 1, code, qualname, matched,
                                                  _source_of(code, module_globals))
                            self.functions.append(chosen)
        self.resolved[code] = chosen
        if chosen:
            self.chosen(code)
        return chosen

    def chosen(self, code):
        pass

    def native_tracer(self, tables):
        """A sonde_trace.LineTracer for the calling thread, reading the same clock as self.clock."""
        module = self.native
        if self.clock is time.perf_counter_ns:
            kind = module.CLOCK_WALL
        elif self.clock is time.thread_time_ns:
            kind = module.CLOCK_CPU
        else:
            kind = module.CLOCK_CALLABLE
        tracer = module.LineTracer(tables, self.resolved, self.resolve, kind, self.clock)
        tracer.install()
        return tracer

    def reset(self):
        for function in self.functions:
            function.announced = False

    def frames(self, tables, seq):
        """LINE_FUNCTION for functions not announced yet, then this thread's LINES."""
        frames = []
        for function in list(self.functions):
            if not function.announced:
                function.announced = True
                frames.append(wire.frame(wire.LINE_FUNCTION, self._describe(function)))
        values = array.array("q")
        for lid, table in list(tables.items()):
            for line, record in list(table.items()):
                values.extend((lid, line, record[0], record[1]))
        frames.append(wire.frame(wire.LINES, struct.pack("<II", seq, len(values) // 4) + values.tobytes()))
        return frames

    def _describe(self, function):
        code = function.code
        parts = [struct.pack("<I", function.lid), wire.text(function.qualname), wire.text(code.co_filename),
                 struct.pack("<iH", code.co_firstlineno, len(function.patterns))]
        parts.extend(struct.pack("<H", index) for index in function.patterns)
        parts.append(struct.pack("<I", len(function.source)))
        parts.extend(wire.text(line) for line in function.source)
        return b"".join(parts)


class TraceLines(Lines):
    """Below 3.12: sys.settrace in every traced thread; a line tracer only in frames of chosen functions."""

    def start_thread(self, tables):
        if self.native is not None:
            # The tracer's own C trace function, which holds it for as long as it is installed.
            self.native_tracer(tables)
        else:
            sys.settrace(self._call_tracer(tables))

    def stop_thread(self):
        sys.settrace(None)

    def finish(self):
        sys.settrace(None)

    def _call_tracer(self, tables):
        known = self.resolved.get
        resolve = self.resolve
        line_tracer = self._line_tracer

        def trace_call(frame, event, arg):
            code = frame.f_code
            function = known(code)
            if function is None:
                function = resolve(code, frame.f_globals)
            if function:
                table = tables.get(function.lid)
                if table is None:
                    table = tables[function.lid] = {}
                return line_tracer(table)
            return None
        return trace_call

    def _line_tracer(self, table):
        clock = self.clock
        # The record ([hits, nanoseconds]) of the line running in this frame, and when it started.
        current = None
        started = 0

        def trace_line(frame, event, arg):
            nonlocal current, started
            if event == "line":
                now = clock()
                if current is not None:
                    current[1] += now - started
                line = frame.f_lineno
                current = table.get(line)
                if current is None:
                    current = table[line] = [1, 0]
                else:
                    current[0] += 1
                started = now
            elif event != "exception" and current is not None:
                # A return (or a yield): the line ends with the frame.
                current[1] += clock() - started
                current = None
            return trace_line
        return trace_line


class MonitoringLines(Lines):
    """From 3.12: LINE, PY_RETURN, PY_YIELD and PY_RESUME events set locally on the chosen code objects."""

    def __init__(self, options, agent_dir):
        super().__init__(options, agent_dir)
        from . import calls
        monitoring = sys.monitoring
        events = monitoring.events
        self.tool = calls.claim_tool("sonde lines")
        self.state = _thread._local()
        self.local_events = events.LINE | events.PY_RETURN | events.PY_YIELD | events.PY_RESUME
        if self.tool is None:
            return
        if self.native is not None:
            self.native.set_disable(monitoring.DISABLE)
            on_start, on_resume, on_line = self.native.on_start, self.native.on_resume, self.native.on_line
            on_leave = on_unwind = self.native.on_leave
        else:
            on_start, on_resume, on_line, on_leave, on_unwind = self._callbacks()
        register = monitoring.register_callback
        register(self.tool, events.PY_START, on_start)
        register(self.tool, events.PY_RESUME, on_resume)
        register(self.tool, events.LINE, on_line)
        register(self.tool, events.PY_RETURN, on_leave)
        register(self.tool, events.PY_YIELD, on_leave)
        register(self.tool, events.PY_UNWIND, on_unwind)
        monitoring.set_events(self.tool, events.PY_START | events.PY_UNWIND)

    def chosen(self, code):
        if self.tool is not None:
            sys.monitoring.set_local_events(self.tool, code, self.local_events)

    def start_thread(self, tables):
        if self.native is not None:
            # The C callbacks find it through a thread-local pointer, which doesn't keep it alive.
            self.state.tracer = self.native_tracer(tables)
        self.state.tables = tables
        self.state.stack = []

    def stop_thread(self):
        if self.native is not None:
            self.native.uninstall()
            self.state.tracer = None
        self.state.tables = {}
        self.state.stack = []

    def finish(self):
        if self.tool is not None:
            sys.monitoring.set_events(self.tool, 0)

    def _callbacks(self):
        clock = self.clock
        state = self.state
        known = self.resolved.get
        resolve = self.resolve
        disable = sys.monitoring.DISABLE
        get_frame = sys._getframe

        def stack_of():
            try:
                return state.stack, state.tables
            except AttributeError:
                # A thread Sonde didn't start the tables of: its lines are timed but not reported.
                state.tables = {}
                state.stack = []
                return state.stack, state.tables

        # A stack entry per running frame of a chosen function: its code, its table, the record ([hits,
        # nanoseconds]) of the line it is on and when that line started.
        def push(code, function):
            stack, tables = stack_of()
            table = tables.get(function.lid)
            if table is None:
                table = tables[function.lid] = {}
            entry = [code, table, None, 0]
            stack.append(entry)
            return entry

        def on_start(code, offset):
            function = known(code)
            if function is None:
                function = resolve(code, get_frame(1).f_globals)
            if not function:
                return disable
            push(code, function)

        def on_resume(code, offset):
            function = known(code)
            if function:
                push(code, function)

        def on_line(code, line):
            now = clock()
            try:
                top = state.stack[-1]
            except (AttributeError, IndexError):
                top = None
            if top is None or top[0] is not code:
                # A frame entered before its function was chosen, or resumed by throw().
                function = known(code)
                if not function:
                    return
                top = push(code, function)
            record = top[2]
            if record is not None:
                record[1] += now - top[3]
            table = top[1]
            record = table.get(line)
            if record is None:
                record = table[line] = [1, 0]
            else:
                record[0] += 1
            top[2] = record
            top[3] = now

        def on_leave(code, offset, value):
            now = clock()
            stack = stack_of()[0]
            if stack and stack[-1][0] is code:
                top = stack.pop()
                if top[2] is not None:
                    top[2][1] += now - top[3]

        def on_unwind(code, offset, exception):
            if known(code):
                on_leave(code, offset, exception)

        return on_start, on_resume, on_line, on_leave, on_unwind
