namespace Sonde.Formats.Native;

/// <summary>One block's content, inflated, in a pooled buffer that <see cref="Dispose"/> returns.</summary>
internal sealed class NativeBlock(NativeBlockType type, string where, byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public NativeBlockType Type { get; } = type;

    /// <summary>"block N at byte M", for error messages.</summary>
    public string Where { get; } = where;

    public ReadOnlySpan<byte> Content => _buffer.AsSpan(0, length);

    public void Dispose()
    {
        if (_buffer is null) return;
        ByteBuffer.Return(_buffer);
        _buffer = null;
    }
}
