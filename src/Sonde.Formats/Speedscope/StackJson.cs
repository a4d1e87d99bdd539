using Sonde.Profiles;

namespace Sonde.Formats.Speedscope;

/// <summary>
/// The JSON array of frame indexes for a stack. Each distinct stack is formatted once and its bytes reused,
/// because a long recording repeats the same few thousand stacks across a million samples.
/// </summary>
internal sealed class StackJson(Profile profile, MergedFrames frames)
{
    // Room for one formatted int and the punctuation around it.
    private const int NumberRoom = 12;

    private readonly byte[]?[] _framesByStack = new byte[]?[profile.Stacks.Count];
    private byte[] _buffer = new byte[256];

    /// <summary>The array <c>[root,outermost,...,innermost]</c>, valid until the next call; no root when it is -1.</summary>
    public ReadOnlySpan<byte> Array(int stackId, int rootFrame)
    {
        var inner = _framesByStack[stackId] ??= Format(stackId);
        Reserve(inner.Length + 2 * NumberRoom);
        var length = 0;
        _buffer[length++] = (byte)'[';
        if (rootFrame >= 0)
        {
            rootFrame.TryFormat(_buffer.AsSpan(length), out var written);
            length += written;
            _buffer[length++] = (byte)',';
        }
        inner.CopyTo(_buffer.AsSpan(length));
        length += inner.Length;
        _buffer[length++] = (byte)']';
        return _buffer.AsSpan(0, length);
    }

    /// <summary>The comma-separated frame indexes of a stack, outermost first.</summary>
    private byte[] Format(int stackId)
    {
        var ids = profile.Stacks.FramesOf(stackId);
        Reserve(ids.Length * NumberRoom);
        var length = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (i > 0) _buffer[length++] = (byte)',';
            frames.OfProfileFrame(ids[i]).TryFormat(_buffer.AsSpan(length), out var written);
            length += written;
        }
        return _buffer.AsSpan(0, length).ToArray();
    }

    private void Reserve(int size)
    {
        if (size > _buffer.Length) System.Array.Resize(ref _buffer, Math.Max(size, _buffer.Length * 2));
    }
}
