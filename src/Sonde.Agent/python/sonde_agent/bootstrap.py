"""Starts the agent in one process: connects to Sonde, profiles every thread, and sends what it collected
now and then and when the process ends, however it ends (return, exception, sys.exit, os._exit, SIGTERM,
exec, fork). A SIGKILL keeps what the last periodic flush sent."""
import _functools
import _signal
import _thread
import array
import gc
import itertools
import os
import struct
import sys
import time

from . import calls
from .ending import Ending
from . import wire


def prepare(path, agent_dir):
    """Connects to Sonde and installs the agent's hooks; the caller then calls enable() on the result.
    Returns None, and the program runs untraced, when Sonde can't be reached."""
    try:
        channel = wire.Channel.connect(path)
        options = channel.handshake(_hello())
    except OSError:
        return None
    if options is None:
        channel.close()
        os._exit(3)
    if options.mode == wire.MODE_MEMORY:
        from . import native
        agent = native.create(path, channel, options, agent_dir)
    else:
        agent = Agent(path, channel, options, agent_dir)
    agent.install()
    return agent


def _script_missing():
    argv = getattr(sys, "argv", None) or [""]
    first = argv[0]
    return first not in ("", "-", "-c", "-m") and not os.path.exists(first)


def _hello():
    version = sys.version_info
    flags = wire.FLAG_SCRIPT_MISSING if _script_missing() else 0
    payload = struct.pack("<HBiiBBBq", wire.PROTOCOL, flags, os.getpid(), os.getppid(),
                          version[0], version[1], version[2], time.time_ns())
    argv = getattr(sys, "argv", None) or []
    return payload + b"".join(wire.text(value) for value in (
        sys.implementation.name, sys.executable or "", "\0".join(argv), sys.version.split()[0]))


class ThreadRecord:
    __slots__ = ("seq", "ident", "native_id", "profiler", "line_tables", "announced_name", "owner")

    def __init__(self, seq, profiler, owner):
        self.seq = seq
        # The threading.Thread being run, when there is one: its name is read at each flush.
        self.owner = owner
        self.ident = _thread.get_ident()
        self.native_id = _thread.get_native_id()
        self.profiler = profiler
        self.line_tables = {}
        self.announced_name = None


class Agent(Ending):
    # Threads the agent runs itself: the flusher.
    INTERNAL_THREADS = 1

    def __init__(self, path, channel, options, agent_dir):
        self.path = path
        self.channel = channel
        self.options = options
        self.agent_dir = agent_dir.rstrip(os.sep) + os.sep
        self.calls = calls.for_this_python(options)
        self.lines = None
        if options.line_patterns:
            # Imported only when asked for: it brings fnmatch and re, a cost every traced process would pay.
            from . import lines
            self.lines = lines.for_this_python(options, self.agent_dir)
        self.threads = {}
        # next() on a count is one C call: threads starting at once still get distinct numbers.
        self.sequence = itertools.count()
        self.closed = False
        self.flush_due = 0.0
        self.flush_signal = None
        self._reset_functions()

    def _reset_functions(self):
        self.code_ids = {}
        self.label_ids = {}
        self.code_refs = []
        self.next_id = 1
        self.next_own_id = -1

    # ---- starting -------------------------------------------------------------------------------------------

    def install(self):
        self._patch_thread_starts()
        self._patch_process_exits()
        self.hook_endings()
        os.register_at_fork(before=self._before_fork, after_in_parent=self._after_fork_in_parent,
                            after_in_child=self._after_fork_in_child)
        self._start_flusher()

    def enable(self):
        """Starts profiling the main thread; everything the agent does before is left out of the profile."""
        record = self._add_thread(None)
        record.profiler = self.calls.start_main()
        if record.profiler is None and self.options.calls:
            # No sys.monitoring tool id was free: the program runs untraced.
            self.threads.clear()
            self.closed = True
            self.channel.close()

    def _add_thread(self, profiler, owner=None):
        record = ThreadRecord(next(self.sequence), profiler, owner)
        if self.lines is not None:
            self.lines.start_thread(record.line_tables)
        self.threads[record.ident] = record
        return record

    def _patch_thread_starts(self):
        threading = sys.modules.get("threading")
        for name in ("start_new_thread", "start_new", "start_joinable_thread"):
            real = getattr(_thread, name, None)
            if real is None:
                continue
            patched = self._wrap_start(real)
            setattr(_thread, name, patched)
            if threading is not None and getattr(threading, "_" + name, None) is real:
                setattr(threading, "_" + name, patched)

    def _wrap_start(self, real):
        agent = self

        def start_thread(function, *args, **kwargs):
            if agent.closed:
                return real(function, *args, **kwargs)
            agent.calls.before_thread_start()
            try:
                return real(_functools.partial(agent._run_thread, function), *args, **kwargs)
            except BaseException:
                agent.calls.thread_not_started()
                raise
        start_thread.__name__ = real.__name__
        start_thread.__doc__ = real.__doc__
        return start_thread

    def _run_thread(self, function, *args, **kwargs):
        record = None
        if not self.closed:
            # threading starts its threads with the bound method Thread._bootstrap.
            record = self._add_thread(None, getattr(function, "__self__", None))
            record.profiler = self.calls.start_thread()
            if record.profiler is None and self.options.calls:
                self.threads.pop(record.ident, None)
                record = None
        try:
            return function(*args, **kwargs)
        finally:
            if record is not None:
                self._thread_finished(record)

    def _thread_finished(self, record):
        self.calls.stop_thread(record.profiler)
        if self.lines is not None:
            self.lines.stop_thread()
        self.threads.pop(record.ident, None)
        if self.closed:
            return
        try:
            with self.channel.lock:
                if not self.closed:
                    self.channel.send(self._thread_frames(record, final=True))
        except Exception as error:
            self.fail(error)

    # ---- ending ---------------------------------------------------------------------------------------------

    def _patch_process_exits(self):
        agent = self
        real_exit = os._exit

        def _exit(status):
            agent.finish_quietly(wire.END_OS_EXIT, status)
            real_exit(status)
        _exit.__doc__ = real_exit.__doc__
        os._exit = _exit

        for name in ("execv", "execve"):
            real = getattr(os, name)
            os.__dict__[name] = self._wrap_exec(real)

        if sys.version_info >= (3, 12):
            for name in ("fork", "forkpty"):
                real = getattr(os, name, None)
                if real is not None:
                    os.__dict__[name] = self._wrap_fork(real)

    def _wrap_fork(self, real):
        # From 3.12 fork() warns when the process has more than one OS thread. The agent's flusher is one, so
        # a program that is single-threaded itself would get a warning it doesn't get without Sonde. While
        # no other thread runs, that one warning (its exact text) is ignored around the call.
        agent = self
        import _warnings
        text = ("This process (pid=%d) is multi-threaded, use of " + real.__name__
                + "() may lead to deadlocks in the child.")

        def fork_function():
            if _thread._count() > agent.INTERNAL_THREADS:
                return real()
            quiet = ("ignore", text % os.getpid(), DeprecationWarning, None, 0)
            _warnings.filters.insert(0, quiet)
            _warnings._filters_mutated()
            try:
                return real()
            finally:
                try:
                    _warnings.filters.remove(quiet)
                except ValueError:
                    pass
                _warnings._filters_mutated()
        fork_function.__name__ = real.__name__
        fork_function.__doc__ = real.__doc__
        return fork_function

    def _wrap_exec(self, real):
        agent = self

        def exec_function(*args):
            # A successful exec replaces the process without running atexit: send what there is. The
            # connection closes with the exec (close-on-exec); if exec fails, profiling goes on.
            try:
                agent.flush(force=True)
            except Exception as error:
                agent.fail(error)
            return real(*args)
        exec_function.__name__ = real.__name__
        exec_function.__doc__ = real.__doc__
        return exec_function

    def fail(self, error):
        """A bug in the agent: tell Sonde, stop tracing, and let the program go on."""
        self.closed = True
        try:
            self.calls.shut_down()
            if self.lines is not None:
                self.lines.finish()
            self.channel.send([wire.frame(wire.ERROR, wire.text(_describe_error(error)))])
            self.channel.close()
        except Exception:
            pass

    def finish(self, reason, status):
        """Ends the calls still running so they count, sends the final statistics of every thread, says BYE."""
        if self.closed:
            return
        acquired = self.channel.lock.acquire(True, 5)
        try:
            if self.closed:
                return
            self.closed = True
            records = list(self.threads.values())
            self.calls.finish([record.profiler for record in records if record.profiler is not None])
            if self.lines is not None:
                self.lines.finish()
            frames = []
            for record in records:
                frames += self._thread_frames(record, final=True)
            code = status if isinstance(status, int) else 0
            frames.append(wire.frame(wire.BYE, struct.pack("<Bi", reason, code)))
            self.channel.send(frames)
            self.channel.close()
            self.calls.shut_down()
        finally:
            if acquired:
                self.channel.lock.release()

    # ---- flushing -------------------------------------------------------------------------------------------

    def _start_flusher(self):
        interval = self.options.flush_seconds
        if sys.version_info >= (3, 12):
            # A Python thread would run Python code, which the direct callbacks would count as the main
            # thread's. This thread runs only C: every `interval` it asks the main thread to run the flush
            # handler between two bytecodes, as a signal would, without sending one (no EINTR anywhere).
            if self.flush_signal is None:
                self.flush_signal = _free_signal()
                if self.flush_signal is None:
                    return
                _signal.signal(self.flush_signal, self._on_flush_request)
            number = self.flush_signal
            ticks = zip(map(time.sleep, itertools.repeat(interval)),
                        itertools.starmap(_functools.partial(_thread.interrupt_main, number), itertools.repeat(())))
            _real_start(_collections_deque(), (ticks, 0))
        else:
            _real_start(self._flush_loop, (interval,))

    def _flush_loop(self, interval):
        try:
            while not self.closed:
                time.sleep(interval)
                self.flush()
        except Exception as error:
            self.fail(error)

    def _on_flush_request(self, number, frame):
        # Runs in the main thread between two of its bytecodes: it must never raise into the program.
        try:
            self.flush(blocking=False)
            self.calls.idle(self.INTERNAL_THREADS)
        except Exception as error:
            self.fail(error)

    def flush(self, force=False, blocking=True):
        """Sends every live thread's statistics so far. Spaced so flushing costs at most about 1% of the run."""
        now = time.monotonic()
        if self.closed or (not force and now < self.flush_due):
            return
        if not self.channel.lock.acquire(blocking):
            return
        try:
            if self.closed:
                return
            frames = []
            for record in list(self.threads.values()):
                frames += self._thread_frames(record, final=False)
            self.channel.send(frames)
        finally:
            self.channel.lock.release()
        spent = time.monotonic() - now
        self.flush_due = time.monotonic() + max(self.options.flush_seconds * 0.9, spent * 100)

    # ---- encoding -------------------------------------------------------------------------------------------

    def _thread_frames(self, record, final):
        frames = []
        if record.profiler is None and self.lines is None:
            return frames
        name = _thread_name(record)
        if name != record.announced_name:
            record.announced_name = name
            frames.append(wire.frame(wire.THREAD, struct.pack("<Iqq", record.seq, record.native_id, record.ident)
                                     + wire.text(name)))
        stats = _stats_of(record.profiler) if record.profiler is not None else ()
        values = self._encode_stats(stats, frames)
        frames.append(wire.frame(wire.STATS, struct.pack("<IBI", record.seq, 1 if final else 0, len(values))
                                 + values.tobytes()))
        if self.lines is not None:
            frames += self.lines.frames(record.line_tables, record.seq)
        return frames

    def _encode_stats(self, stats, frames):
        """Flattens _lsprof's statistics into doubles: per function its id, calls, recursive calls, total and
        inline seconds, and its callees, each with the same numbers. The agent's own functions are left out,
        and what they called is taken off the callees' totals."""
        function_id = self._function_id
        own = {}
        kept = []
        for entry in stats:
            fid = function_id(entry[0], frames)
            if fid > 0:
                kept.append((fid, entry))
                continue
            for sub in entry[5] or ():
                callee = function_id(sub[0], frames)
                numbers = own.get(callee)
                if numbers is None:
                    own[callee] = [sub[1], sub[2], sub[3], sub[4]]
                else:
                    numbers[0] += sub[1]
                    numbers[1] += sub[2]
                    numbers[2] += sub[3]
                    numbers[3] += sub[4]
        values = []
        extend = values.extend
        for fid, entry in kept:
            calls, recursive, total, inline = entry[1], entry[2], entry[3], entry[4]
            taken = own.get(fid)
            if taken is not None:
                calls -= taken[0]
                recursive -= taken[1]
                total -= taken[2]
                inline -= taken[3]
                if calls <= 0:
                    continue
            subs = [(function_id(sub[0], frames), sub) for sub in entry[5] or ()]
            subs = [(callee, sub) for callee, sub in subs if callee > 0]
            extend((fid, calls, recursive, total, inline, len(subs)))
            for callee, sub in subs:
                extend((callee, sub[1], sub[2], sub[3], sub[4]))
        return array.array("d", values)

    def _function_id(self, key, frames):
        if isinstance(key, str):
            fid = self.label_ids.get(key)
            if fid is None:
                fid = self.label_ids[key] = self._define(1, key, key, "", 0, frames)
            return fid
        fid = self.code_ids.get(id(key))
        if fid is None:
            if key.co_filename.startswith(self.agent_dir):
                fid = self.next_own_id
                self.next_own_id -= 1
            else:
                fid = self._define(0, key.co_name, getattr(key, "co_qualname", key.co_name), key.co_filename,
                                   key.co_firstlineno, frames)
            # Holding the code object keeps its id() from being reused by another one.
            self.code_refs.append(key)
            self.code_ids[id(key)] = fid
        return fid

    def _define(self, kind, name, qualname, filename, first_line, frames):
        fid = self.next_id
        self.next_id += 1
        frames.append(wire.frame(wire.FUNCTION, struct.pack("<iB", fid, kind) + wire.text(name)
                                 + wire.text(qualname) + wire.text(filename) + struct.pack("<i", first_line)))
        return fid

    # ---- forking --------------------------------------------------------------------------------------------

    def _before_fork(self):
        self.channel.lock.acquire()

    def _after_fork_in_parent(self):
        self.channel.lock.release()

    def _after_fork_in_child(self):
        # The child is a new process for Sonde: a connection of its own, statistics from zero, and only the
        # forking thread, which is now its main thread.
        old = self.channel
        self.channel = wire.Channel(None)
        old.close()
        record = self.threads.get(_thread.get_ident())
        self.threads = {}
        self._reset_functions()
        if self.lines is not None:
            self.lines.reset()
        try:
            channel = wire.Channel.connect(self.path)
            options = channel.handshake(_hello())
        except OSError:
            options = None
        if options is None or record is None:
            self.closed = True
            self.calls.shut_down()
            return
        self.channel = channel
        self.calls.after_fork(record.profiler)
        self.sequence = itertools.count()
        fresh = self._add_thread(record.profiler)
        fresh.line_tables.clear()
        self.flush_due = 0.0
        self._start_flusher()


def _describe_error(error):
    """One line: the error and where in the agent it was raised."""
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    where = ""
    if trace is not None:
        where = " (%s line %d)" % (os.path.basename(trace.tb_frame.f_code.co_filename), trace.tb_lineno)
    return "%s: %s%s" % (type(error).__name__, error, where)


def _stats_of(profiler):
    # No garbage collection while _lsprof copies its tables: a finaliser run by a collection could switch
    # threads, and the profiler's owner could change the tables under the copy.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return profiler.getstats()
    finally:
        if enabled:
            gc.enable()


def _thread_name(record):
    name = getattr(record.owner, "_name", None)
    if isinstance(name, str):
        return name
    threading = sys.modules.get("threading")
    if threading is not None:
        thread = threading._active.get(record.ident)
        if thread is not None:
            return getattr(thread, "_name", None) or ""
    return "MainThread" if record.seq == 0 else ""


def _free_signal():
    """A real-time signal nobody handles, for the flush requests."""
    low = getattr(_signal, "SIGRTMIN", 34)
    high = getattr(_signal, "SIGRTMAX", 64)
    for number in range(high - 1, low, -1):
        try:
            if _signal.getsignal(number) == _signal.SIG_DFL:
                return number
        except (ValueError, OSError):
            continue
    return None


def _collections_deque():
    from _collections import deque
    return deque


_real_start = _thread.start_new_thread
