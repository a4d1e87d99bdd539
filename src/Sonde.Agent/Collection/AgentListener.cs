using System.Net.Sockets;
using Sonde.Agent.Protocol;

namespace Sonde.Agent.Collection;

/// <summary>
/// The Unix socket the agents connect to, one connection per process. Each connection is read on its own
/// thread as fast as it comes, so an agent never blocks on a full socket.
/// </summary>
internal sealed class AgentListener : IDisposable
{
    private readonly Socket _socket;
    private readonly TraceCollector _collector;
    private readonly Thread _acceptor;
    private readonly object _lock = new();
    private readonly List<Thread> _readers = [];
    private readonly List<Socket> _connections = [];
    private volatile bool _stopping;

    private AgentListener(Socket socket, TraceCollector collector)
    {
        _socket = socket;
        _collector = collector;
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "sonde agent listener" };
    }

    public static AgentListener Start(string path, TraceCollector collector)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(64);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var listener = new AgentListener(socket, collector);
        listener._acceptor.Start();
        return listener;
    }

    /// <summary>Waits until every connection so far has ended, or the time is up; false when some are still open.</summary>
    public bool WaitForConnections(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Thread[] readers;
            lock (_lock) readers = _readers.Where(r => r.IsAlive).ToArray();
            if (readers.Length == 0) return true;
            foreach (var reader in readers)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !reader.Join(left)) return false;
            }
        }
    }

    private void Accept()
    {
        while (!_stopping)
        {
            Socket connection;
            try
            {
                connection = _socket.Accept();
            }
            catch (SocketException) { return; }
            catch (ObjectDisposedException) { return; }
            var reader = new Thread(() => Serve(connection)) { IsBackground = true, Name = "sonde agent connection" };
            lock (_lock)
            {
                if (_stopping)
                {
                    connection.Dispose();
                    return;
                }
                _connections.Add(connection);
                _readers.Add(reader);
            }
            reader.Start();
        }
    }

    private void Serve(Socket connection)
    {
        ProcessRecorder? recorder = null;
        try
        {
            using var stream = new NetworkStream(connection, ownsSocket: false);
            var frames = new AgentFrameReader(new BufferedStream(stream, 1 << 16));
            if (frames.Next() is not { Kind: AgentMessageKind.Hello } first) return;
            var (reply, admitted) = _collector.Admit(AgentHello.Parse(first.Payload));
            stream.Write(reply);
            stream.Flush();
            recorder = admitted;
            if (recorder is null) return;
            while (frames.Next() is { } frame) recorder.Handle(frame.Kind, frame.Payload);
        }
        catch (AgentProtocolException e)
        {
            recorder?.Fail($"its stream doesn't decode: {e.Message}");
        }
        catch (IOException)
        {
            // The process died mid-frame, or Sonde stopped listening: what arrived stands.
        }
        catch (ObjectDisposedException) { }
        finally
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        lock (_lock)
        {
            foreach (var connection in _connections) connection.Dispose();
        }
    }
}
