"""`sonde mem`'s native engine: the allocator hook of native/sonde_alloc.c, compiled per CPython minor version and
loaded with ctypes, samples allocations by bytes instead of tracing each one as tracemalloc does. What it
measures goes into the same messages as tracemalloc's, so Sonde builds the same profile. docs/memory.md ("The
native engine") describes the sampling and its estimator."""
import gc
import os
import struct
import sys
import time
import _thread

from . import memory
from . import wire

# How much the live estimate must rise past the last peak snapshot before the sampling thread takes another
# when memory stops climbing (the hook itself takes one per 5% of growth).
HELD_STEP = 0.01
# The site of allocations made with no Python frame running (the interpreter's own, C threads).
NO_FRAME_SITE = ("[no Python frame]", "", 0, 0)
# MEM_INFO's trailing engine byte (absent, or 0, for tracemalloc).
INFO_ENGINE_NATIVE = 1


def create(path, channel, options, agent_dir):
    """The memory agent for this process: the native engine when asked for and a shim for this interpreter loads,
    else tracemalloc's, which then says once why the native one isn't used."""
    if options.engine == wire.ENGINE_TRACEMALLOC:
        return memory.MemoryAgent(path, channel, options, agent_dir)
    library, reason = load(agent_dir)
    if library is None:
        agent = memory.MemoryAgent(path, channel, options, agent_dir)
        agent.notice = "%s; measuring with tracemalloc, which is exact but much slower" % reason
        return agent
    return NativeMemoryAgent(path, channel, options, agent_dir, library)


def shim_path(agent_dir):
    return os.path.join(agent_dir, "native", "sonde_alloc_%d%d.so" % sys.version_info[:2])


def load(agent_dir):
    """(the loaded shim, None), or (None, why not)."""
    version = "%d.%d" % sys.version_info[:2]
    abiflags = getattr(sys, "abiflags", "")
    if sys.implementation.name != "cpython" or not (3, 8) <= sys.version_info[:2] <= (3, 13):
        return None, "no native allocator hook for %s %s" % (sys.implementation.name, version)
    if "d" in abiflags or hasattr(sys, "gettotalrefcount"):
        return None, "no native allocator hook for a debug build of Python %s" % version
    if "t" in abiflags:
        return None, "no native allocator hook for a free-threaded Python %s" % version
    if os.environ.get("SONDE_NO_NATIVE"):
        return None, "SONDE_NO_NATIVE is set"
    path = shim_path(agent_dir)
    if not os.path.exists(path):
        return None, "no native allocator hook was built for Python %s (gcc or the headers were missing)" % version
    try:
        import ctypes
        library = ctypes.PyDLL(path)
        library.sonde_alloc_start.argtypes = [ctypes.c_int, ctypes.c_double]
        library.sonde_alloc_start.restype = ctypes.c_int
        library.sonde_alloc_stop.restype = None
        library.sonde_alloc_counters.argtypes = [ctypes.c_void_p]
        library.sonde_alloc_counters.restype = None
        library.sonde_alloc_snapshot_peak.restype = ctypes.c_int
        library.sonde_alloc_stack_frames.argtypes = [ctypes.c_uint]
        library.sonde_alloc_stack_frames.restype = ctypes.py_object
        library.sonde_alloc_changed.argtypes = [ctypes.c_int]
        library.sonde_alloc_changed.restype = ctypes.py_object
        library.sonde_alloc_peak.restype = ctypes.py_object
        library.counters = (ctypes.c_int64 * 8)()
        library.counters_address = ctypes.addressof(library.counters)
    except Exception as error:
        return None, "the native allocator hook for Python %s did not load (%s)" % (version, error)
    return library, None


class NativeMemoryAgent(memory.MemoryAgent):
    def __init__(self, path, channel, options, agent_dir, library):
        memory.MemoryAgent.__init__(self, path, channel, options, agent_dir)
        self.library = library
        self.sample_bytes = max(1, options.sample_bytes)
        # Per stack id of the hook: its key (outermost-first tuple of sites), or None for the agent's own.
        self.keys = []
        self.site_of = {}
        # Per stack id: [allocated bytes, allocated count, live bytes, live count], estimates.
        self.rows = {}
        self.peak_rows = None
        self.line_tracemalloc = None

    def enable(self):
        if self.library.sonde_alloc_start(self.depth, float(self.sample_bytes)) != 0:
            self._status(memory.STATUS_UNAVAILABLE, "the native allocator hook could not allocate its tables")
            return
        gc.callbacks.append(self._on_gc)
        if self.options.line_patterns:
            # --lines keeps tracemalloc's exact counter for its clock (one frame, the cheapest it can be).
            try:
                import tracemalloc
                if not tracemalloc.is_tracing():
                    tracemalloc.start(1)
                self.line_tracemalloc = tracemalloc
                traced = tracemalloc.get_traced_memory

                def traced_bytes():
                    return traced()[0]
                self.options.line_clock = traced_bytes
                from . import lines
                self.lines = lines.for_this_python(self.options, self.agent_dir)
                self.lines.start_thread(self.line_tables)
            except Exception as error:
                self._status(memory.STATUS_NOTICE, "--lines needs tracemalloc, which is unavailable: %s" % (error,))
        if self.census is not None:
            self._count_objects()
        _thread.start_new_thread(self._run, ())

    # ---- the sampling thread --------------------------------------------------------------------------------

    def _counters(self):
        self.library.sonde_alloc_counters(self.library.counters_address)
        return self.library.counters

    def _tick(self):
        counters = self._counters()
        current, peak, snapshot = counters[0], counters[1], counters[2]
        self.timeline.extend((time.time_ns(), current, peak))
        last, self.last_current = self.last_current, current
        # Memory that stopped climbing near a new high: snapshot it now, whatever the hook's 5% steps.
        if (current > snapshot * (1 + HELD_STEP) + 65536 and current >= peak * 0.98
                and abs(current - last) <= current * 0.01):
            self.library.sonde_alloc_snapshot_peak()

    # ---- reading the hook's tables --------------------------------------------------------------------------

    def _drain(self, everything=False):
        """Brings in the stacks the hook interned since the last call and the figures of those that changed.
        Returns whether any changed."""
        library = self.library
        for frames in library.sonde_alloc_stack_frames(len(self.keys)):
            self.keys.append(self._key(frames))
        changed = library.sonde_alloc_changed(1 if everything else 0)
        rows = self.rows
        for stack, allocated_bytes, allocated_count, live_bytes, live_count in changed:
            rows[stack] = (allocated_bytes, allocated_count, live_bytes, live_count)
        peak = library.sonde_alloc_peak()
        if peak is not None:
            self.peak_rows = peak
            self.peak_stacks_time = self._counters()[3]
            self.peak_sent = False
        return bool(changed)

    def _key(self, frames):
        if not frames:
            return (NO_FRAME_SITE,)
        site_of = self.site_of
        key = []
        for frame in reversed(frames):
            site = site_of.get(frame)
            if site is None:
                code, line = frame
                site = site_of[frame] = (getattr(code, "co_qualname", code.co_name), code.co_filename,
                                         code.co_firstlineno, line)
            if site[1].startswith(self.agent_dir):
                return None
            key.append(site)
        return tuple(key)

    def _by_key(self, rows, bytes_at, count_at):
        """{key: [bytes, count]} summed over the hook's stacks (two code objects may give the same sites)."""
        stacks = {}
        total = 0
        keys = self.keys
        for stack, row in rows:
            key = keys[stack] if stack < len(keys) else None
            size = row[bytes_at]
            if key is None or size <= 0:
                continue
            total += size
            known = stacks.get(key)
            if known is None:
                stacks[key] = [size, row[count_at]]
            else:
                known[0] += size
                known[1] += row[count_at]
        return stacks, total

    def _memory_frames(self, frames):
        with self.lock:
            if self._drain():
                allocated, _ = self._by_key(self.rows.items(), 0, 1)
                frames.append(self._stacks_frame(memory.STACKS_ALLOCATED, allocated, 0, time.time_ns(), frames))
            if not self.peak_sent and self.peak_rows is not None:
                self.peak_sent = True
                peak, total = self._by_key(((row[0], row[1:]) for row in self.peak_rows), 0, 1)
                frames.append(self._stacks_frame(memory.STACKS_PEAK, peak, total, self.peak_stacks_time, frames))
        counters = self._counters()
        self.snapshots = counters[4]
        frames.append(wire.frame(wire.MEM_INFO, struct.pack(
            "<qqqHIIdBI", counters[0], counters[1], counters[6], self.depth, self.threshold, self.snapshots, 0.0,
            INFO_ENGINE_NATIVE, self.sample_bytes)))

    def _site(self, site):
        return site

    # ---- ending ---------------------------------------------------------------------------------------------

    def _final_frames(self):
        counters = self._counters()
        self.timeline.extend((time.time_ns(), counters[0], counters[1]))
        frames = self._frames(True)
        with self.lock:
            self._drain(everything=True)
            live, total = self._by_key(((stack, row[2:]) for stack, row in self.rows.items()), 0, 1)
        frames.append(self._stacks_frame(memory.STACKS_LEAKED, live, total, time.time_ns(), frames))
        return frames

    def _stop_engine(self):
        self.library.sonde_alloc_stop()
        if self.line_tracemalloc is not None:
            self.line_tracemalloc.stop()

    def fail(self, error):
        self.library.sonde_alloc_stop()
        memory.MemoryAgent.fail(self, error)

    def _after_fork_in_child(self):
        # A forked child is left unmeasured (docs/memory.md): the hook passes allocations through from now on.
        self.library.sonde_alloc_stop()
        self.tracemalloc = self.line_tracemalloc
        memory.MemoryAgent._after_fork_in_child(self)
