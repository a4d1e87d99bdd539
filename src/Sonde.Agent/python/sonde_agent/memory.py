"""`sonde mem`: measures one process's memory with tracemalloc and its garbage collections with gc.callbacks,
and sends what it found now and then and when the process ends. docs/memory.md describes what is measured
and the estimator for small stacks."""
import _thread
import array
import gc
import os
import struct
import sys
import time

from . import objects
from .ending import Ending
from . import wire

# How often the traced memory is read for the timeline.
TIMELINE_SECONDS = 0.02
# Snapshots (a walk over every live trace) are spaced so they take at most about this share of the run.
SNAPSHOT_SHARE = 0.05
# While traced memory climbs, peak snapshots may take this larger share: a peak is short-lived, and a climb
# makes at most one snapshot per PEAK_STEP of growth.
PEAK_SHARE = 0.2
# A new peak snapshot is taken when traced memory passes the last one's by this share.
PEAK_STEP = 0.05
# How many of the longest collections keep the stack that triggered them.
LONGEST_PAUSES = 10

STACKS_ALLOCATED = 0
STACKS_PEAK = 1
STACKS_LEAKED = 2

STATUS_UNAVAILABLE = 1
STATUS_STOPPED = 2
# Something the user should know that doesn't stop the measurement (why the native engine isn't used).
STATUS_NOTICE = 3
STOPPED_TEXT = "the program stopped tracemalloc; memory after that is not measured"


class MemoryAgent(Ending):
    def __init__(self, path, channel, options, agent_dir):
        self.channel = channel
        self.options = options
        self.agent_dir = agent_dir.rstrip(os.sep) + os.sep
        self.closed = False
        self.tracemalloc = None
        self.depth = max(1, options.depth)
        self.threshold = options.sample_threshold
        # Sites: (qualified name, file, first line, line) -> id, sent once each.
        self.site_ids = {}
        self.files = {}
        # Per stack (outermost-first tuple of (file, line)): [bytes, count] in the last snapshot.
        self.previous = {}
        # Per stack: bytes and count that appeared between snapshots (see docs/memory.md).
        self.allocated = {}
        self.allocated_changed = False
        self.peak_stacks = None
        self.peak_stacks_size = 0
        self.peak_stacks_time = 0
        self.peak_sent = True
        self.own_stack = {}
        self.snapshot_due = 0.0
        self.peak_due = 0.0
        self.last_current = 0
        self.snapshot_seconds = 0.0
        self.snapshots = 0
        self.timeline = array.array("q")
        self.gc_events = array.array("q")
        self.gc_start = 0
        self.gc_start_wall = 0
        self.gc_frame = None
        self.longest = []
        self.longest_changed = False
        self.lock = _thread.allocate_lock()
        self.census = objects.Census() if options.objects else None
        self.lines = None
        self.line_tables = {}
        self.pending_objects = []
        self.objects_due = 0.0
        self.notice = None

    # ---- starting -------------------------------------------------------------------------------------------

    def install(self):
        self.hook_endings()
        real_exit = os._exit
        agent = self

        def _exit(status):
            agent.finish_quietly(wire.END_OS_EXIT, status)
            real_exit(status)
        _exit.__doc__ = real_exit.__doc__
        os._exit = _exit
        os.register_at_fork(after_in_child=self._after_fork_in_child)

    def enable(self):
        if self.notice is not None:
            self._status(STATUS_NOTICE, self.notice)
        try:
            import tracemalloc
            if not tracemalloc.is_tracing():
                tracemalloc.start(self.depth)
            self.tracemalloc = tracemalloc
            self.get_traces = getattr(tracemalloc, "_get_traces")
        except Exception as error:
            self._status(STATUS_UNAVAILABLE, "tracemalloc is unavailable: %s" % (error,))
            self.tracemalloc = None
        gc.callbacks.append(self._on_gc)
        if self.options.line_patterns and self.tracemalloc is not None:
            # The line tracer of `sonde trace --lines`, with traced bytes for its clock: each line gets the
            # memory it added (net of what it freed), as memory_profiler's Increment column.
            from . import lines
            traced = self.tracemalloc.get_traced_memory

            def traced_bytes():
                return traced()[0]
            self.options.line_clock = traced_bytes
            self.lines = lines.for_this_python(self.options, self.agent_dir)
            self.lines.start_thread(self.line_tables)
        if self.census is not None:
            self._count_objects()
        _thread.start_new_thread(self._run, ())

    # ---- the sampling thread --------------------------------------------------------------------------------

    def _run(self):
        flush_due = 0.0
        try:
            while not self.closed:
                time.sleep(TIMELINE_SECONDS)
                if self.closed:
                    return
                self._tick()
                now = time.monotonic()
                if self.census is not None and now >= self.objects_due:
                    self._count_objects()
                if now >= flush_due:
                    flush_due = now + self.options.flush_seconds
                    self.flush()
        except Exception as error:
            self.fail(error)

    def _tick(self):
        tracemalloc = self.tracemalloc
        if tracemalloc is None:
            return
        if not tracemalloc.is_tracing():
            self.tracemalloc = None
            self._status(STATUS_STOPPED, STOPPED_TEXT)
            return
        current, peak = tracemalloc.get_traced_memory()
        self.timeline.extend((time.time_ns(), current, peak))
        now = time.monotonic()
        last, self.last_current = self.last_current, current
        if current > self.peak_stacks_size * (1 + PEAK_STEP) + 65536:
            # While memory climbs, peak snapshots are spaced by their cost; once it stops climbing near a new
            # high, one is taken at once, so a peak that is held is caught whatever the spacing.
            if now >= self.peak_due or (current >= peak * 0.98 and abs(current - last) <= current * 0.01):
                self._snapshot(peak=True)
        elif now >= self.snapshot_due + self.options.snapshot_seconds:
            self._snapshot(peak=False)

    def _snapshot(self, peak):
        """Walks every live trace once: its stacks update the allocated totals, and become the peak stacks
        when traced memory is the highest seen so far."""
        started = time.monotonic()
        with self.lock:
            stacks, total = self._live_stacks()
            self._accumulate(stacks)
            if peak or total > self.peak_stacks_size:
                self.peak_stacks = stacks
                self.peak_stacks_size = total
                self.peak_stacks_time = time.time_ns()
                self.peak_sent = False
        spent = time.monotonic() - started
        self.snapshots += 1
        self.snapshot_seconds += spent
        self.snapshot_due = time.monotonic() + spent / SNAPSHOT_SHARE
        self.peak_due = time.monotonic() + spent / PEAK_SHARE
        return stacks, total

    def _live_stacks(self):
        """Live traced memory by stack: {outermost-first stack: [bytes, count]}, without the agent's own."""
        traces = self.get_traces()
        by_object = {}
        own = self.own_stack
        agent_dir = self.agent_dir
        for trace in traces:
            traceback = trace[2]
            entry = by_object.get(id(traceback))
            if entry is None:
                # tracemalloc hands out one tuple per distinct traceback, so the id groups them cheaply.
                key = tuple(reversed(traceback))
                mine = own.get(key)
                if mine is None:
                    mine = own[key] = any(frame[0].startswith(agent_dir) for frame in key)
                entry = by_object[id(traceback)] = [key, 0, 0, mine]
            entry[1] += trace[1]
            entry[2] += 1
        stacks = {}
        total = 0
        for key, size, count, mine in by_object.values():
            if mine:
                continue
            total += size
            known = stacks.get(key)
            if known is None:
                stacks[key] = [size, count]
            else:
                known[0] += size
                known[1] += count
        del traces
        return stacks, total

    def _accumulate(self, stacks):
        previous = self.previous
        allocated = self.allocated
        for key, (size, count) in stacks.items():
            before = previous.get(key)
            grew = size - before[0] if before is not None else size
            more = count - before[1] if before is not None else count
            if grew > 0 or more > 0:
                totals = allocated.get(key)
                if totals is None:
                    allocated[key] = [max(grew, 0), max(more, 0)]
                else:
                    totals[0] += max(grew, 0)
                    totals[1] += max(more, 0)
                self.allocated_changed = True
        self.previous = stacks

    def _count_objects(self):
        started = time.monotonic()
        self.pending_objects.append(self.census.count())
        spent = time.monotonic() - started
        self.objects_due = time.monotonic() + max(objects.OBJECTS_SECONDS, spent * 20)

    # ---- garbage collection ---------------------------------------------------------------------------------

    def _on_gc(self, phase, info):
        if phase == "start":
            self.gc_start_wall = time.time_ns()
            try:
                self.gc_frame = sys._getframe(1)
            except ValueError:
                # A collection started where no Python code runs (a thread starting up, on 3.8).
                self.gc_frame = None
            self.gc_start = time.perf_counter_ns()
            return
        duration = time.perf_counter_ns() - self.gc_start
        frame = self.gc_frame
        self.gc_frame = None
        self.gc_events.extend((self.gc_start_wall, duration, info["generation"], info["collected"],
                               info["uncollectable"]))
        longest = self.longest
        if len(longest) < LONGEST_PAUSES or duration > longest[-1][1]:
            stack = []
            while frame is not None and len(stack) < self.depth:
                code = frame.f_code
                if code.co_filename.startswith(self.agent_dir):
                    frame = frame.f_back
                    continue
                stack.append((getattr(code, "co_qualname", code.co_name), code.co_filename, code.co_firstlineno,
                              frame.f_lineno or 0))
                frame = frame.f_back
            stack.reverse()
            longest.append((self.gc_start_wall, duration, info["generation"], stack))
            longest.sort(key=_duration, reverse=True)
            del longest[LONGEST_PAUSES:]
            self.longest_changed = True

    # ---- sending --------------------------------------------------------------------------------------------

    def flush(self, final=False):
        if self.closed:
            return
        if not self.channel.lock.acquire(True, 5):
            return
        try:
            if self.closed:
                return
            frames = self._frames(final)
            self.channel.send(frames)
        finally:
            self.channel.lock.release()

    def _frames(self, final):
        frames = []
        pending, self.pending_objects = self.pending_objects, []
        frames += pending
        if self.lines is not None:
            frames += self.lines.frames(self.line_tables, 0)
        timeline, self.timeline = self.timeline, array.array("q")
        if timeline:
            frames.append(wire.frame(wire.MEM_TIMELINE, struct.pack("<I", len(timeline) // 3) + timeline.tobytes()))
        events, self.gc_events = self.gc_events, array.array("q")
        if events:
            frames.append(wire.frame(wire.GC_EVENTS, struct.pack("<I", len(events) // 5) + events.tobytes()))
        if self.longest_changed:
            self.longest_changed = False
            body = [struct.pack("<I", len(self.longest))]
            for start, duration, generation, stack in list(self.longest):
                ids = [self._site_id(site, frames) for site in stack]
                body.append(struct.pack("<qqqH", start, duration, generation, len(ids)))
                body.append(array.array("i", ids).tobytes())
            frames.append(wire.frame(wire.GC_LONGEST, b"".join(body)))
        self._memory_frames(frames)
        return frames

    def _memory_frames(self, frames):
        """Appends the stacks that changed and the latest figures."""
        with self.lock:
            if self.allocated_changed:
                self.allocated_changed = False
                frames.append(self._stacks_frame(STACKS_ALLOCATED, self.allocated, 0, time.time_ns(), frames))
            if not self.peak_sent and self.peak_stacks is not None:
                self.peak_sent = True
                frames.append(self._stacks_frame(STACKS_PEAK, self.peak_stacks, self.peak_stacks_size,
                                                 self.peak_stacks_time, frames))
        tracemalloc = self.tracemalloc
        if tracemalloc is not None:
            current, peak = tracemalloc.get_traced_memory()
            frames.append(wire.frame(wire.MEM_INFO, struct.pack(
                "<qqqHIId", current, peak, tracemalloc.get_tracemalloc_memory(), self.depth, self.threshold,
                self.snapshots, self.snapshot_seconds)))

    def _stacks_frame(self, which, stacks, total, when, frames):
        """The stacks, every one of at least `threshold` bytes as it is, and each smaller one with probability
        bytes/threshold, then counted as `threshold` bytes (and its count scaled alike), which keeps the sums'
        expectation exact while bounding how many are sent. A stack's draw is its hash, so the same small stack
        is kept or left out in every message of a run."""
        threshold = self.threshold
        body = []
        kept = 0
        for key, (size, count) in stacks.items():
            if size <= 0 and count <= 0:
                continue
            if size < threshold:
                if size <= 0 or (hash(key) & 0xFFFFFFFF) >= size * 4294967296 // threshold:
                    continue
                count = max(1, (count * threshold + size // 2) // size)
                size = threshold
            ids = [self._site_id(self._site(frame), frames) for frame in key]
            body.append(struct.pack("<qqH", size, count, len(ids)))
            body.append(array.array("i", ids).tobytes())
            kept += 1
        return wire.frame(wire.MEM_STACKS, struct.pack("<BqqI", which, total, when, kept) + b"".join(body))

    def _site(self, frame):
        filename, line = frame
        qualname, first = self._function_at(filename, line)
        return qualname, filename, first, line

    def _function_at(self, filename, line):
        """The function a line of a file belongs to, from the file's syntax tree (tracemalloc keeps only files and
        lines): the innermost def whose lines hold it, else the module."""
        functions = self.files.get(filename)
        if functions is None:
            functions = self.files[filename] = _functions_of(filename)
        best = None
        for start, end, qualname in functions:
            if start <= line <= end and (best is None or start >= best[0]):
                best = (start, end, qualname)
        if best is None:
            return "<module>", 0
        return best[2], best[0]

    def _site_id(self, site, frames):
        sid = self.site_ids.get(site)
        if sid is None:
            sid = self.site_ids[site] = len(self.site_ids) + 1
            qualname, filename, first, line = site
            frames.append(wire.frame(wire.MEM_SITE, struct.pack("<i", sid) + wire.text(qualname) + wire.text(filename)
                                     + struct.pack("<ii", first, line)))
        return sid

    def _status(self, code, message):
        try:
            with self.channel.lock:
                self.channel.send([wire.frame(wire.MEM_STATUS, struct.pack("<B", code) + wire.text(message))])
        except Exception:
            pass

    # ---- ending ---------------------------------------------------------------------------------------------

    def finish(self, reason, status):
        """Takes the last snapshot, whose stacks are what is still live at exit, and sends everything."""
        if self.closed:
            return
        try:
            gc.callbacks.remove(self._on_gc)
        except ValueError:
            pass
        if not self.channel.lock.acquire(True, 5):
            return
        try:
            if self.closed:
                return
            # Sites are numbered as frames are built: everything is built and sent under the channel's lock,
            # so no message names a site whose description is still waiting in another thread's list.
            frames = []
            if self.lines is not None:
                self.lines.finish()
            if self.census is not None:
                self._count_objects()
                chain = self.census.chain()
                if chain is not None:
                    self.pending_objects.append(chain)
            frames = self._final_frames()
            self.closed = True
            code = status if isinstance(status, int) else 0
            frames.append(wire.frame(wire.BYE, struct.pack("<Bi", reason, code)))
            self.channel.send(frames)
            self.channel.close()
        finally:
            self.channel.lock.release()
        self._stop_engine()

    def _final_frames(self):
        """Everything not sent yet, and the stacks still live at exit."""
        tracemalloc = self.tracemalloc
        if tracemalloc is not None and tracemalloc.is_tracing():
            current, peak = tracemalloc.get_traced_memory()
            self.timeline.extend((time.time_ns(), current, peak))
            stacks, total = self._snapshot(peak=False)
            frames = self._frames(True)
            frames.append(self._stacks_frame(STACKS_LEAKED, stacks, total, time.time_ns(), frames))
        else:
            frames = self._frames(True)
            if tracemalloc is not None:
                frames.append(wire.frame(wire.MEM_STATUS, struct.pack("<B", STATUS_STOPPED) + wire.text(STOPPED_TEXT)))
        return frames

    def _stop_engine(self):
        if self.tracemalloc is not None:
            self.tracemalloc.stop()

    def fail(self, error):
        """A bug in the agent: tell Sonde, stop measuring, and let the program go on."""
        self.closed = True
        try:
            gc.callbacks.remove(self._on_gc)
        except ValueError:
            pass
        try:
            from .bootstrap import _describe_error
            self.channel.send([wire.frame(wire.ERROR, wire.text(_describe_error(error)))])
            self.channel.close()
        except Exception:
            pass

    def _after_fork_in_child(self):
        # A forked child shares the parent's traces; it is left unmeasured (docs/memory.md).
        self.closed = True
        try:
            gc.callbacks.remove(self._on_gc)
        except ValueError:
            pass
        self.channel = wire.Channel(None)
        if self.tracemalloc is not None:
            self.tracemalloc.stop()


def _duration(pause):
    return pause[1]


def _functions_of(filename):
    """(first line, last line, qualified name) of every function and class in a file, from its indentation: a
    def or class line opens a block, which runs to the last line before the next code line indented no deeper.
    A scan rather than a syntax tree, which costs a hundred times more on a big module. Empty when the file has
    no readable source."""
    try:
        import linecache
        lines = linecache.getlines(filename)
    except Exception:
        return []
    found = []
    # Open blocks: [indent, first line, qualified name, last code line].
    open_blocks = []
    decorator_start = 0
    number = 0
    for number, text in enumerate(lines, 1):
        stripped = text.lstrip()
        if not stripped or stripped[0] == "#":
            continue
        indent = len(text) - len(stripped)
        while open_blocks and indent <= open_blocks[-1][0] and not _continues(stripped):
            block = open_blocks.pop()
            found.append((block[1], block[3], block[2]))
        if stripped[0] == "@":
            if not decorator_start:
                decorator_start = number
            continue
        name = _block_name(stripped)
        if name is not None:
            parent = open_blocks[-1] if open_blocks else None
            prefix = ""
            if parent is not None:
                prefix = parent[2] + (".<locals>." if parent[4] else ".")
            open_blocks.append([indent, decorator_start or number, prefix + name[0], number, name[1]])
        decorator_start = 0
        for block in open_blocks:
            block[3] = number
    for block in open_blocks:
        found.append((block[1], block[3], block[2]))
    return found


def _continues(stripped):
    # A closing bracket at the block's own indent still belongs to the statement before it.
    return stripped[0] in ")]}"


def _block_name(stripped):
    """(name, is a function) for a def or class line, else None."""
    if stripped.startswith("async "):
        stripped = stripped[6:].lstrip()
    if stripped.startswith("def "):
        is_function = True
        rest = stripped[4:]
    elif stripped.startswith("class "):
        is_function = False
        rest = stripped[6:]
    else:
        return None
    rest = rest.lstrip()
    end = 0
    while end < len(rest) and (rest[end].isalnum() or rest[end] == "_"):
        end += 1
    if end == 0:
        return None
    return rest[:end], is_function
