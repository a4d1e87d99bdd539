# Sonde's tracing agent enters every Python process `sonde trace` starts through this file: the agent's
# directory leads PYTHONPATH, so Python imports it while `site` initialises, before the program runs.
#
# This file must parse under any Python, 2.7 included: an interpreter the agent can't trace still tells Sonde
# what it is instead of staying silent. It then hands over to the next sitecustomize on the path (Debian's,
# a virtualenv's), so the program starts exactly as it would without Sonde.
import os as _sonde_os
import sys as _sonde_sys

_SONDE_HELLO = 1
_SONDE_FLAG_UNSUPPORTED = 1


def _sonde_here():
    return _sonde_os.path.dirname(_sonde_os.path.abspath(__file__))


def _sonde_report_unsupported(path, implementation):
    # Says hello with the "unsupported" flag and waits for Sonde's answer: 'S' (stop) for the command Sonde
    # launched, which Sonde then reports as an error, or 'G' (go) for a child process, which runs untraced.
    import socket
    import struct
    version = _sonde_sys.version_info
    texts = [implementation, _sonde_sys.executable or "", "\0".join(getattr(_sonde_sys, "argv", []) or []),
             "%s %d.%d.%d" % (implementation, version[0], version[1], version[2])]
    payload = struct.pack("<HBiiBBBq", 1, _SONDE_FLAG_UNSUPPORTED, _sonde_os.getpid(), _sonde_os.getppid(),
                          version[0], version[1], version[2], 0)
    for text in texts:
        if not isinstance(text, bytes):
            text = text.encode("utf-8", "replace")
        payload += struct.pack("<I", len(text)) + text
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(30)
        connection.connect(path)
        connection.sendall(struct.pack("<BI", _SONDE_HELLO, len(payload)) + payload)
        answer = connection.recv(1)
    finally:
        connection.close()
    if answer == b"S":
        _sonde_os._exit(3)


def _sonde_prepare():
    path = _sonde_os.environ.get("SONDE_AGENT_SOCKET")
    if not path:
        return None
    implementation = getattr(getattr(_sonde_sys, "implementation", None), "name", None)
    if implementation is None:
        import platform
        implementation = platform.python_implementation().lower()
    if implementation == "cpython" and _sonde_sys.version_info >= (3, 8):
        from sonde_agent import bootstrap
        return bootstrap.prepare(path, _sonde_here())
    try:
        _sonde_report_unsupported(path, implementation)
    except (IOError, OSError):
        pass
    return None


def _sonde_chain():
    # Takes the agent's directory off sys.path, so the program sees its usual path, and imports the
    # sitecustomize this file shadows, if there is one.
    here = _sonde_here()
    _sonde_sys.path[:] = [p for p in _sonde_sys.path if _sonde_os.path.abspath(p or _sonde_os.curdir) != here]
    this = _sonde_sys.modules.pop("sitecustomize", None)
    try:
        __import__("sitecustomize")
    except ImportError as error:
        if getattr(error, "name", "sitecustomize") != "sitecustomize":
            raise
        _sonde_sys.modules["sitecustomize"] = this


# Profiling starts last, so neither the agent's set-up nor the hand-over shows in the profile.
_sonde_agent = None
try:
    _sonde_agent = _sonde_prepare()
finally:
    _sonde_chain()
if _sonde_agent is not None:
    _sonde_agent.enable()
