using System.Buffers.Binary;

namespace Sonde.Agent.Protocol;

/// <summary>Splits the agent's stream into frames: kind (u8), payload length (u32), payload.</summary>
internal sealed class AgentFrameReader(Stream stream)
{
    /// <summary>No single frame is this big; a larger length means the stream is not the agent's.</summary>
    public const int MaxPayload = 512 << 20;

    private readonly Stream _stream = stream;
    private readonly byte[] _header = new byte[5];

    /// <summary>The next frame, or null at the end of the stream.</summary>
    /// <exception cref="AgentProtocolException">The stream ended inside a frame or isn't the agent's.</exception>
    public (AgentMessageKind Kind, byte[] Payload)? Next()
    {
        var read = ReadFully(_header);
        if (read == 0) return null;
        if (read < _header.Length) throw new AgentProtocolException("the stream ended inside a frame header");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(1));
        if (length > MaxPayload) throw new AgentProtocolException($"a frame claims {length} bytes");
        var payload = new byte[length];
        if (ReadFully(payload) < payload.Length) throw new AgentProtocolException("the stream ended inside a frame");
        return ((AgentMessageKind)_header[0], payload);
    }

    private int ReadFully(byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = _stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
