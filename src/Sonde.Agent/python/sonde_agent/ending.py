"""How every agent mode ends: at interpreter exit, or on SIGTERM/SIGHUP left at their default by the program.
The mode's `finish(reason, status)` sends its last report; `fail(error)` reports a bug in the agent."""
import _signal
import atexit
import os

from . import wire


class Ending:
    def hook_endings(self):
        atexit.register(self._at_exit)
        for number in (_signal.SIGTERM, _signal.SIGHUP):
            if _signal.getsignal(number) == _signal.SIG_DFL:
                _signal.signal(number, self._on_terminating_signal)

    def _at_exit(self):
        self.finish_quietly(wire.END_EXIT, 0)

    def _on_terminating_signal(self, number, frame):
        self.finish_quietly(wire.END_SIGNAL, number)
        _signal.signal(number, _signal.SIG_DFL)
        os.kill(os.getpid(), number)

    def finish_quietly(self, reason, status):
        try:
            self.finish(reason, status)
        except Exception as error:
            self.fail(error)
