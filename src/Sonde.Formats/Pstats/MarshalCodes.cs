namespace Sonde.Formats.Pstats;

/// <summary>The type codes of Python's marshal format (version 4, as <c>marshal.dump</c> writes it since 3.4).</summary>
internal static class MarshalCodes
{
    public const byte Null = (byte)'0';
    public const byte None = (byte)'N';
    public const byte False = (byte)'F';
    public const byte True = (byte)'T';
    public const byte StopIteration = (byte)'S';
    public const byte Ellipsis = (byte)'.';
    /// <summary>A signed 32-bit little-endian integer.</summary>
    public const byte Int = (byte)'i';
    /// <summary>A signed 64-bit integer; no longer written, still read.</summary>
    public const byte Int64 = (byte)'I';
    /// <summary>A float as text: one length byte, then ASCII.</summary>
    public const byte FloatText = (byte)'f';
    /// <summary>A float as 8 bytes, IEEE 754 little-endian.</summary>
    public const byte Float = (byte)'g';
    public const byte ComplexText = (byte)'x';
    public const byte Complex = (byte)'y';
    /// <summary>An arbitrary-size integer: a signed 32-bit digit count (the sign is the number's), then 15-bit digits in 16 bits each, least significant first.</summary>
    public const byte Long = (byte)'l';
    /// <summary>bytes: 32-bit length, then the bytes.</summary>
    public const byte Bytes = (byte)'s';
    public const byte Interned = (byte)'t';
    /// <summary>A back-reference: 32-bit index into the objects flagged with <see cref="FlagRef"/>, in the order they began.</summary>
    public const byte Ref = (byte)'r';
    public const byte Tuple = (byte)'(';
    public const byte List = (byte)'[';
    /// <summary>A dict: key, value pairs until a <see cref="Null"/>.</summary>
    public const byte Dict = (byte)'{';
    public const byte Code = (byte)'c';
    /// <summary>str: 32-bit length, then UTF-8 (lone surrogates allowed).</summary>
    public const byte Unicode = (byte)'u';
    public const byte Unknown = (byte)'?';
    public const byte Set = (byte)'<';
    public const byte FrozenSet = (byte)'>';
    public const byte Ascii = (byte)'a';
    public const byte AsciiInterned = (byte)'A';
    /// <summary>A tuple of fewer than 256 items: one count byte.</summary>
    public const byte SmallTuple = (byte)')';
    /// <summary>An ASCII str of fewer than 256 characters: one length byte.</summary>
    public const byte ShortAscii = (byte)'z';
    public const byte ShortAsciiInterned = (byte)'Z';

    /// <summary>Or-ed into a type code: the object gets the next back-reference index.</summary>
    public const byte FlagRef = 0x80;
}
