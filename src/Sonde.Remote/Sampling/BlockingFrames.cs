using Sonde.Remote.CPython;

namespace Sonde.Remote.Sampling;

/// <summary>
/// The fallback when /proc can't tell whether a thread runs (e.g. a target in another PID namespace): a thread
/// whose innermost Python frame is a well-known blocking call in the standard library is taken to be idle.
/// </summary>
public static class BlockingFrames
{
    private static readonly HashSet<(string File, string Function)> _known =
    [
        ("threading.py", "wait"), ("threading.py", "_wait_for_tstate_lock"), ("threading.py", "join"),
        ("threading.py", "Condition.wait"), ("threading.py", "Event.wait"), ("threading.py", "Thread.join"),
        ("threading.py", "Thread._wait_for_tstate_lock"), ("queue.py", "get"), ("queue.py", "Queue.get"),
        ("selectors.py", "select"), ("selectors.py", "EpollSelector.select"), ("selectors.py", "PollSelector.select"),
        ("selectors.py", "_PollLikeSelector.select"), ("selectors.py", "SelectSelector.select"),
        ("socket.py", "accept"), ("socket.py", "socket.accept"), ("socket.py", "readinto"), ("socket.py", "SocketIO.readinto"),
        ("subprocess.py", "_try_wait"), ("subprocess.py", "Popen._try_wait"), ("subprocess.py", "communicate"),
        ("connection.py", "_recv"), ("connection.py", "Connection._recv"), ("connection.py", "wait"),
        ("ssl.py", "read"), ("ssl.py", "SSLSocket.read"),
    ];

    public static bool LooksIdle(RemoteFrame innermost) =>
        _known.Contains((Path.GetFileName(innermost.Code.Filename), innermost.Code.Qualname));
}
