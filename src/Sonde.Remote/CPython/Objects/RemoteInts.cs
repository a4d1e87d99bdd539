using System.Globalization;
using System.Numerics;
using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Reads int objects: an array of 30-bit (or 15-bit) digits, least significant first, whose count and sign are
/// <c>ob_size</c> before 3.12 and packed into <c>lv_tag</c> from 3.12.
/// </summary>
internal sealed class RemoteInts(IProcessMemory memory, PythonLayout layout)
{
    /// <summary>Ints with more digits than this (about 2,300 decimal digits) are described by size only.</summary>
    public const int MaxDigits = 256;
    /// <summary>Decimal digits shown before the rest is cut.</summary>
    public const int MaxShownDigits = 64;

    private readonly int _digitBytes = layout.LongDigitBits > 16 ? 4 : 2;

    /// <summary>The number of digits and the sign, from the object's header.</summary>
    public bool TryReadSize(ulong address, out long digits, out bool negative)
    {
        digits = 0;
        negative = false;
        if (layout.LongTag >= 0)
        {
            if (!memory.TryReadUInt64(address + (ulong)layout.LongTag, out var tag)) return false;
            var sign = tag & (ulong)layout.LongSignMask;
            if (sign > (ulong)layout.LongSignNegative) return false;
            digits = (long)(tag >> layout.LongNonSizeBits);
            negative = sign == (ulong)layout.LongSignNegative;
            return digits >= 0 && digits < 1L << 40;
        }
        if (!memory.TryReadInt64(address + (ulong)layout.VarObjectSize, out var size) || size == long.MinValue) return false;
        digits = Math.Abs(size);
        negative = size < 0;
        return digits < 1L << 40;
    }

    /// <summary>A non-negative int that fits in 64 bits, such as a thread ident.</summary>
    public bool TryReadUInt64(ulong address, out ulong value)
    {
        value = 0;
        if (!TryReadSize(address, out var count, out var negative) || negative) return false;
        if (count * layout.LongDigitBits > 64 + layout.LongDigitBits) return false;
        Span<uint> digits = stackalloc uint[(int)count];
        if (!TryReadDigits(address, digits)) return false;
        var value128 = UInt128.Zero;
        for (var i = digits.Length - 1; i >= 0; i--) value128 = (value128 << layout.LongDigitBits) | digits[i];
        if (value128 > ulong.MaxValue) return false;
        value = (ulong)value128;
        return true;
    }

    /// <summary>The int in decimal, at most <see cref="MaxShownDigits"/> digits shown; null when it can't be read.</summary>
    public string? Format(ulong address)
    {
        if (!TryReadSize(address, out var count, out var negative)) return null;
        if (count > MaxDigits)
        {
            var approximate = (long)Math.Ceiling(count * layout.LongDigitBits * Math.Log10(2));
            return $"{(negative ? "-" : "")}<int of about {approximate.ToString("N0", CultureInfo.InvariantCulture)} digits>";
        }
        Span<uint> digits = stackalloc uint[(int)count];
        if (!TryReadDigits(address, digits)) return null;
        var value = BigInteger.Zero;
        for (var i = digits.Length - 1; i >= 0; i--) value = (value << layout.LongDigitBits) | digits[i];
        var text = value.ToString(CultureInfo.InvariantCulture);
        var sign = negative && !value.IsZero ? "-" : "";
        if (text.Length <= MaxShownDigits) return sign + text;
        return $"{sign}{text[..MaxShownDigits]}… ({text.Length.ToString(CultureInfo.InvariantCulture)} digits)";
    }

    private bool TryReadDigits(ulong address, Span<uint> digits)
    {
        if (digits.IsEmpty) return true;
        Span<byte> raw = stackalloc byte[digits.Length * _digitBytes];
        if (!memory.TryRead(address + (ulong)layout.LongDigits, raw)) return false;
        var limit = 1u << layout.LongDigitBits;
        for (var i = 0; i < digits.Length; i++)
        {
            digits[i] = _digitBytes == 4
                ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(raw[(i * 4)..])
                : System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]);
            // A digit with its top bits set is not one CPython wrote: the object was torn or isn't an int.
            if (digits[i] >= limit) return false;
        }
        return true;
    }
}
