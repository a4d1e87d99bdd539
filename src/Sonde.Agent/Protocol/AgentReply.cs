using System.Buffers.Binary;
using System.Text;

namespace Sonde.Agent.Protocol;

/// <summary>Sonde's answer to HELLO: <c>S</c> to stop the process, or <c>G</c> and the options to trace it with.</summary>
internal static class AgentReply
{
    public static byte[] Stop() => "S"u8.ToArray();

    /// <summary>Go, without options: for an interpreter the agent can't trace, which runs on untraced.</summary>
    public static byte[] GoUntraced() => "G"u8.ToArray();

    public static byte[] Go(AgentOptions options)
    {
        var body = new List<byte>
        {
            (byte)(options.Clock == TraceClock.Cpu ? 1 : 0),
            (byte)(options.Builtins ? 1 : 0),
            (byte)(options.Calls ? 1 : 0),
        };
        AppendU32(body, (uint)options.FlushInterval.TotalMilliseconds);
        AppendU16(body, (ushort)options.LinePatterns.Count);
        foreach (var pattern in options.LinePatterns)
        {
            AppendString(body, pattern.Module);
            AppendString(body, pattern.Function);
        }
        body.Add((byte)options.Mode);
        AppendU16(body, (ushort)Math.Clamp(options.MemoryDepth, 1, ushort.MaxValue));
        AppendU32(body, (uint)Math.Max(0, options.SampleThreshold));
        AppendU32(body, (uint)options.SnapshotInterval.TotalMilliseconds);
        body.Add((byte)(options.Objects ? 1 : 0));
        body.Add((byte)(options.Tracemalloc ? 1 : 0));
        AppendU32(body, (uint)Math.Max(1, options.SampleBytes));
        var reply = new List<byte> { (byte)'G' };
        AppendU32(reply, (uint)body.Count);
        reply.AddRange(body);
        return reply.ToArray();
    }

    private static void AppendU16(List<byte> bytes, ushort value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }

    private static void AppendU32(List<byte> bytes, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }

    private static void AppendString(List<byte> bytes, string value)
    {
        var data = Encoding.UTF8.GetBytes(value);
        AppendU32(bytes, (uint)data.Length);
        bytes.AddRange(data);
    }
}
