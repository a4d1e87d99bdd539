"""The agent's side of the stream to Sonde. Every message is a frame: kind (u8), payload length (u32), payload,
little-endian. docs/trace.md lists the messages; Sonde.Agent's AgentMessageReader reads them."""
import _socket
import _thread
import os
import struct

PROTOCOL = 1

HELLO = 1
FUNCTION = 2
THREAD = 3
STATS = 4
LINE_FUNCTION = 5
LINES = 6
BYE = 7
ERROR = 8
# sonde mem (docs/memory.md)
MEM_SITE = 9
MEM_STACKS = 10
MEM_TIMELINE = 11
GC_EVENTS = 12
GC_LONGEST = 13
MEM_STATUS = 14
MEM_INFO = 15
OBJECT_COUNTS = 16
OBJECT_CHAIN = 17

MODE_TRACE = 0
MODE_MEMORY = 1
ENGINE_NATIVE = 0
ENGINE_TRACEMALLOC = 1

FLAG_UNSUPPORTED = 1
FLAG_SCRIPT_MISSING = 2

# How a process ended, in BYE.
END_EXIT = 0
END_OS_EXIT = 1
END_SIGNAL = 2
END_EXEC = 3

_header = struct.Struct("<BI")
_u32 = struct.Struct("<I")
_send_flags = getattr(_socket, "MSG_NOSIGNAL", 0)


def text(value):
    """A length-prefixed UTF-8 string. Undecodable file names (lone surrogates) come out as visible escapes."""
    data = value.encode("utf-8", "backslashreplace")
    return _u32.pack(len(data)) + data


def frame(kind, payload):
    return _header.pack(kind, len(payload)) + payload


class Options:
    """What Sonde asked for, from its answer to HELLO."""

    def __init__(self, cpu_clock, builtins, flush_seconds, line_patterns, calls=True):
        self.mode = MODE_TRACE
        # sonde mem: tracemalloc's traceback depth, the size under which stacks are sampled, the snapshot period.
        self.depth = 16
        self.sample_threshold = 4096
        self.snapshot_seconds = 1.0
        self.objects = False
        # sonde mem: 0 the native allocator hook (falling back to tracemalloc), 1 tracemalloc; the hook's mean
        # sampling interval in bytes.
        self.engine = ENGINE_NATIVE
        self.sample_bytes = 512 * 1024
        self.cpu_clock = cpu_clock
        self.builtins = builtins
        # False for --lines-only: no call statistics, only the chosen functions' lines.
        self.calls = calls
        self.flush_seconds = flush_seconds
        self.line_patterns = line_patterns


class Channel:
    """A connection to Sonde. Sends are serialised by `lock`; once the connection breaks (Sonde went away),
    everything sent after is dropped and the program goes on untouched."""

    def __init__(self, connection):
        self.connection = connection
        self.lock = _thread.allocate_lock()
        self.broken = connection is None
        self.identity = None if connection is None else _identity(connection.fileno())

    @classmethod
    def connect(cls, path):
        connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            connection.connect(path)
        except OSError:
            connection.close()
            raise
        return cls(connection)

    def handshake(self, hello):
        """Sends HELLO and reads the answer: None when Sonde says stop, else the options."""
        self.connection.settimeout(30)
        self.send([frame(HELLO, hello)])
        answer = self._receive(1)
        if answer != b"G":
            return None
        (length,) = _u32.unpack(self._receive(4))
        options = self._receive(length)
        self.connection.settimeout(None)
        return _parse_options(options)

    def send(self, frames):
        if self.broken or not frames:
            return
        try:
            # A program that closes every descriptor (daemons do) may have reused the socket's number for a
            # file of its own: never write unless it is still this socket.
            if _identity(self.connection.fileno()) != self.identity:
                self.broken = True
                return
            self.connection.sendall(b"".join(frames), _send_flags)
        except OSError:
            self.broken = True

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except OSError:
                pass
        self.broken = True

    def _receive(self, count):
        data = b""
        while len(data) < count:
            chunk = self.connection.recv(count - len(data))
            if not chunk:
                raise OSError("Sonde closed the connection")
            data += chunk
        return data


def _identity(descriptor):
    try:
        status = os.fstat(descriptor)
        return status.st_dev, status.st_ino
    except (OSError, ValueError):
        return None


def _parse_options(data):
    cpu_clock, builtins, calls, flush_ms, count = struct.unpack_from("<BBBIH", data, 0)
    offset = 9
    patterns = []
    for _ in range(count):
        pair = []
        for _ in range(2):
            (length,) = _u32.unpack_from(data, offset)
            offset += 4
            pair.append(data[offset:offset + length].decode("utf-8"))
            offset += length
        patterns.append(tuple(pair))
    options = Options(bool(cpu_clock), bool(builtins), flush_ms / 1000.0, patterns, bool(calls))
    if offset < len(data):
        options.mode, options.depth, options.sample_threshold, snapshot_ms = struct.unpack_from("<BHII", data, offset)
        options.snapshot_seconds = snapshot_ms / 1000.0
        offset += 11
        if offset < len(data):
            options.objects = bool(data[offset])
            offset += 1
        if offset < len(data):
            options.engine, options.sample_bytes = struct.unpack_from("<BI", data, offset)
    return options
