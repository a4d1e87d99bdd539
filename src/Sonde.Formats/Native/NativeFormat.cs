namespace Sonde.Formats.Native;

/// <summary>The constants of the <c>.sonde</c> layout; docs/formats.md describes it byte by byte.</summary>
internal static class NativeFormat
{
    /// <summary><c>SONDE</c> and a NUL, then the major and minor version bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "SONDE\0"u8;

    public const int HeaderLength = 8;

    /// <summary>Readers refuse a major version they don't know; a new minor version only adds block types, which older readers skip.</summary>
    public const byte MajorVersion = 1;
    /// <summary>1.1 added the call-graph and line-timing blocks, 1.2 the memory block, 1.3 thread states; older readers skip them.</summary>
    public const byte MinorVersion = 3;

    /// <summary>Type, flags, stored length, raw length, CRC-32.</summary>
    public const int BlockHeaderLength = 14;

    /// <summary>Flag bit: the payload is raw Deflate (RFC 1951) of the block's content.</summary>
    public const byte FlagDeflate = 1;

    /// <summary>
    /// Caps a reader applies before trusting a declared length. Writers keep blocks well below them
    /// (see <see cref="TargetBlockBytes"/>), so only a corrupt or hostile file reaches them.
    /// </summary>
    public const int MaxStoredLength = 64 << 20;
    public const int MaxRawLength = 64 << 20;

    /// <summary>Deflate cannot expand data by more than about 1032:1; a larger claim is a lie.</summary>
    public const int MaxDeflateRatio = 1100;

    /// <summary>A writer closes a block once its content passes this size.</summary>
    public const int TargetBlockBytes = 8 << 20;

    /// <summary>The end block's content: the file's sample count, a little-endian 64-bit integer.</summary>
    public const int EndContentLength = 8;

    /// <summary>A writer puts at most this many samples in a block; a reader refuses more.</summary>
    public const int MaxSamplesPerBlock = 1 << 20;

    /// <summary>A single string (function name, file, thread name, metadata value) longer than this is corrupt.</summary>
    public const int MaxStringBytes = 1 << 20;
}
