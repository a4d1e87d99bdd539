"""Exact call statistics with CPython's own C profiler (_lsprof), one profiler per thread.

Below 3.12 each thread's profiler is that thread's C-level profile function, so threads never mix and the
overhead is cProfile's. From 3.12 _lsprof listens to sys.monitoring, whose events are global to the
interpreter: one callback set sees every thread. While the main thread is the only one running Python, the
main profiler's own C callbacks are registered directly (cProfile's speed). While other threads run, each event
goes through a route to that thread's profiler (compiled.py's sonde_trace.Route, or a thread-local object without
it), which costs more per event but keeps threads apart. Threads started through _thread (so threading too) are profiled; threads a C
extension creates are not.
"""
import _lsprof
import _thread
import itertools
import operator
import sys
import time

from . import compiled


def new_profiler(options):
    if options.cpu_clock:
        return _lsprof.Profiler(time.thread_time_ns, 1e-9, subcalls=True, builtins=options.builtins)
    return _lsprof.Profiler(subcalls=True, builtins=options.builtins)


def for_this_python(options):
    if not options.calls:
        return NoCalls()
    if sys.version_info >= (3, 12):
        return MonitoringCalls(options)
    return SetProfileCalls(options)


class NoCalls:
    """--lines-only: threads are followed for their line timings, but no call is counted."""

    def start_main(self):
        return None

    def start_thread(self):
        return None

    def before_thread_start(self):
        pass

    def thread_not_started(self):
        pass

    def stop_thread(self, profiler):
        pass

    def idle(self, internal_threads):
        pass

    def finish(self, profilers):
        pass

    def after_fork(self, profiler):
        pass

    def shut_down(self):
        pass


class SetProfileCalls:
    """Below 3.12: each profiler is its thread's profile function (PyEval_SetProfile through enable())."""

    def __init__(self, options):
        self.options = options

    def start_main(self):
        return self.start_thread()

    def start_thread(self):
        profiler = new_profiler(self.options)
        profiler.enable()
        return profiler

    def before_thread_start(self):
        pass

    def thread_not_started(self):
        pass

    def stop_thread(self, profiler):
        profiler.disable()

    def idle(self, internal_threads):
        pass

    def finish(self, profilers):
        """Ends the calls still running, as if they returned now, so they count; Python is about to exit."""
        for profiler in profilers:
            profiler.disable()

    def after_fork(self, profiler):
        profiler.clear()

    def shut_down(self):
        sys.setprofile(None)


def claim_tool(name):
    """A free sys.monitoring tool id, preferring the ones no standard tool (debugger, coverage, cProfile) uses."""
    for tool in (4, 3, 5, 2, 1, 0):
        try:
            sys.monitoring.use_tool_id(tool, name)
            return tool
        except ValueError:
            continue
    return None


class _Unmonitored:
    """Stands in for sys.monitoring while a profiler is switched on and off again, which makes _lsprof end the
    calls still running (flush_unmatched) without touching the real event registrations."""
    use_tool_id = register_callback = set_events = free_tool_id = slice


class PythonRoutes:
    """Routes as thread-local objects whose __call__ is the thread's callback: no Python code runs per event,
    but each call goes through a property and a thread-local lookup."""

    def __init__(self, count):
        self.routes = [self._make_route() for _ in range(count)]

    @staticmethod
    def _make_route():
        class Route(_thread._local):
            # Events of threads that have no profiler (C-created ones, Sonde's own) land here: a C-level
            # callable that accepts anything and does nothing.
            callback = itertools.chain
            __call__ = property(operator.attrgetter("callback"))
        return Route()

    def bind(self, callbacks):
        for route, callback in zip(self.routes, callbacks):
            route.callback = callback

    def unbind(self):
        for route in self.routes:
            try:
                del route.callback
            except AttributeError:
                pass


class NativeRoutes:
    """Routes from sonde_trace: one indirect call through a C thread-local slot, about half the cost."""

    def __init__(self, module, count):
        self.module = module
        self.routes = [module.Route(slot) for slot in range(count)]

    def bind(self, callbacks):
        self.module.set_routes(*callbacks)

    def unbind(self):
        self.module.clear_routes()


def _routes(count):
    module = compiled.load("sonde_trace")
    return NativeRoutes(module, count) if module is not None else PythonRoutes(count)


class MonitoringCalls:
    """From 3.12: profilers fed by sys.monitoring, directly while one thread runs, through routes otherwise."""

    _KINDS = ("_pystart_callback", "_pyreturn_callback", "_ccall_callback", "_creturn_callback")

    def __init__(self, options):
        self.options = options
        events = sys.monitoring.events
        table = [
            (events.PY_START, 0), (events.PY_RESUME, 0), (events.PY_THROW, 0),
            (events.PY_RETURN, 1), (events.PY_YIELD, 1), (events.PY_UNWIND, 1),
        ]
        if options.builtins:
            table += [(events.CALL, 2), (events.C_RETURN, 3), (events.C_RAISE, 3)]
        self.table = table
        self.mask = 0
        for event, _ in table:
            self.mask |= event
        self.routes = _routes(len(self._KINDS))
        self.tool = None
        self.main = None
        self.shared = False
        # Threads started through _thread that have not finished; counted from the moment start is asked for,
        # since a thread can run Python before _thread._count() includes it.
        self.live_threads = 0

    def start_main(self):
        self.tool = claim_tool("sonde")
        if self.tool is None:
            return None
        profiler = self._start()
        self.main = profiler
        self._register_direct()
        sys.monitoring.set_events(self.tool, self.mask)
        return profiler

    def start_thread(self):
        if self.tool is None:
            return None
        return self._start()

    def _start(self):
        profiler = new_profiler(self.options)
        self.routes.bind([getattr(profiler, kind) for kind in self._KINDS])
        return profiler

    def before_thread_start(self):
        self.live_threads += 1
        if self.tool is not None and not self.shared:
            self.shared = True
            self._register(self.routes.routes)

    def thread_not_started(self):
        self.live_threads -= 1

    def stop_thread(self, profiler):
        # From here on, this thread's events go nowhere.
        self.routes.unbind()
        self.live_threads -= 1

    def idle(self, internal_threads):
        """Called in the main thread now and then: back to direct callbacks once no other thread runs Python."""
        if self.shared and self.live_threads <= 0 and _thread._count() <= internal_threads:
            self.shared = False
            self._register_direct()

    def finish(self, profilers):
        monitoring = sys.monitoring
        if self.tool is not None:
            monitoring.set_events(self.tool, 0)
        sys.monitoring = _Unmonitored
        try:
            for profiler in profilers:
                if profiler is not None:
                    profiler.enable()
                    profiler.disable()
        finally:
            sys.monitoring = monitoring

    def after_fork(self, profiler):
        # The forking thread is the child's only thread, and its main one.
        profiler.clear()
        self.main = profiler
        self.live_threads = 0
        if self.tool is not None:
            self.shared = False
            self._register_direct()

    def shut_down(self):
        if self.tool is not None:
            sys.monitoring.set_events(self.tool, 0)

    def _register_direct(self):
        self._register([getattr(self.main, kind) for kind in self._KINDS])

    def _register(self, callbacks):
        register = sys.monitoring.register_callback
        for event, kind in self.table:
            register(self.tool, event, callbacks[kind])
