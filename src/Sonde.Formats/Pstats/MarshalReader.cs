using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Sonde.Formats.Pstats;

/// <summary>
/// Reads one value in Python's marshal format from a byte array. Values become .NET objects: null for None,
/// bool, long, double, string, byte[], object?[] for a tuple, List&lt;object?&gt; for a list or set, and
/// <see cref="MarshalDict"/>. Code objects are refused, since no profile holds one.
/// </summary>
/// <remarks>
/// Nothing the data declares is trusted: a size larger than the bytes left, a digit out of range, a reference
/// to an object not yet read, or nesting deeper than <see cref="MaxDepth"/> throws
/// <see cref="InvalidDataException"/>, and running out of data throws <see cref="EndOfStreamException"/>.
/// </remarks>
internal sealed class MarshalReader
{
    /// <summary>Profiles nest four deep; the margin is for other marshal data, the cap for the call stack.</summary>
    public const int MaxDepth = 100;

    private static readonly object _nullMarker = new();
    private static readonly Encoding _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly byte[] _data;
    private readonly int _end;
    private readonly List<object?> _refs = [];
    private int _position;
    private int _depth;

    public MarshalReader(byte[] data, int length)
    {
        _data = data;
        _end = length;
    }

    public int Position => _position;

    /// <summary>Reads the next value, which must not be the NULL marker that ends a dict.</summary>
    public object? Read()
    {
        var value = ReadAny();
        if (ReferenceEquals(value, _nullMarker)) throw Bad("a NULL where a value was expected");
        return value;
    }

    private object? ReadAny()
    {
        var code = ReadByte();
        if (++_depth > MaxDepth) throw Bad($"values nested more than {MaxDepth} deep");
        var remember = (code & MarshalCodes.FlagRef) != 0;
        var type = (byte)(code & ~MarshalCodes.FlagRef);
        object? value;
        switch (type)
        {
            // Singletons never get a back-reference index, flag or not (as in CPython).
            case MarshalCodes.Null: value = _nullMarker; remember = false; break;
            case MarshalCodes.None: value = null; remember = false; break;
            case MarshalCodes.True: value = true; remember = false; break;
            case MarshalCodes.False: value = false; remember = false; break;
            case MarshalCodes.StopIteration: value = MarshalValue.StopIteration; remember = false; break;
            case MarshalCodes.Ellipsis: value = MarshalValue.Ellipsis; remember = false; break;
            case MarshalCodes.Int: value = (long)ReadInt32(); break;
            case MarshalCodes.Int64: value = BinaryPrimitives.ReadInt64LittleEndian(Take(8)); break;
            case MarshalCodes.Long: value = ReadLong(); break;
            case MarshalCodes.Float: value = ReadBinaryFloat(); break;
            case MarshalCodes.FloatText: value = ReadTextFloat(); break;
            case MarshalCodes.Complex: ReadBinaryFloat(); ReadBinaryFloat(); value = MarshalValue.Complex; break;
            case MarshalCodes.ComplexText: ReadTextFloat(); ReadTextFloat(); value = MarshalValue.Complex; break;
            case MarshalCodes.Bytes: value = Take(ReadSize("bytes")).ToArray(); break;
            case MarshalCodes.Unicode or MarshalCodes.Interned: value = _utf8.GetString(Take(ReadSize("str"))); break;
            case MarshalCodes.Ascii or MarshalCodes.AsciiInterned: value = Encoding.Latin1.GetString(Take(ReadSize("str"))); break;
            case MarshalCodes.ShortAscii or MarshalCodes.ShortAsciiInterned: value = Encoding.Latin1.GetString(Take(ReadByte())); break;
            case MarshalCodes.SmallTuple: value = ReadTuple(ReadByte(), remember); remember = false; break;
            case MarshalCodes.Tuple: value = ReadTuple(ReadSize("tuple"), remember); remember = false; break;
            case MarshalCodes.List or MarshalCodes.Set or MarshalCodes.FrozenSet:
                value = ReadList(ReadSize("list or set"), remember);
                remember = false;
                break;
            case MarshalCodes.Dict: value = ReadDict(remember); remember = false; break;
            case MarshalCodes.Ref: value = ReadRef(); remember = false; break;
            case MarshalCodes.Code: throw Bad("a code object, which is not profile data");
            default: throw Bad($"unknown type code 0x{type:x2} at byte {_position - 1}");
        }
        if (remember) _refs.Add(value);
        _depth--;
        return value;
    }

    private object?[] ReadTuple(int count, bool remember)
    {
        var items = new object?[count];
        // Registered before its items, so the indexes of the objects inside come after it.
        if (remember) _refs.Add(items);
        for (var i = 0; i < count; i++) items[i] = Read();
        return items;
    }

    private List<object?> ReadList(int count, bool remember)
    {
        var items = new List<object?>(count);
        if (remember) _refs.Add(items);
        for (var i = 0; i < count; i++) items.Add(Read());
        return items;
    }

    private MarshalDict ReadDict(bool remember)
    {
        var dict = new MarshalDict();
        if (remember) _refs.Add(dict);
        while (true)
        {
            var key = ReadAny();
            if (ReferenceEquals(key, _nullMarker)) return dict;
            dict.Items.Add(new KeyValuePair<object?, object?>(key, Read()));
        }
    }

    private object? ReadRef()
    {
        var index = ReadInt32();
        if (index < 0 || index >= _refs.Count) throw Bad($"a reference to object #{index}, of {_refs.Count} so far");
        return _refs[index];
    }

    private long ReadLong()
    {
        var digits = ReadInt32();
        if (digits == 0) return 0;
        var count = Math.Abs((long)digits);
        // Five 15-bit digits hold 75 bits; anything longer cannot fit a long.
        if (count > 5) throw Bad("an integer too large for a profile");
        Int128 magnitude = 0;
        for (var i = 0; i < count; i++)
        {
            var digit = BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
            if (digit > 0x8000) throw Bad("a digit out of range in an integer");
            if (i == count - 1 && digit == 0) throw Bad("an unnormalized integer");
            magnitude |= (Int128)digit << (15 * i);
        }
        var value = digits < 0 ? -magnitude : magnitude;
        if (value < long.MinValue || value > long.MaxValue) throw Bad("an integer too large for a profile");
        return (long)value;
    }

    private double ReadBinaryFloat() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    private double ReadTextFloat()
    {
        var text = Encoding.ASCII.GetString(Take(ReadByte())).Trim();
        switch (text.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
            case "nan" or "+nan" or "-nan": return double.NaN;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw Bad("a float that does not parse");
        return value;
    }

    /// <summary>A 32-bit size that must fit in what is left, since every item or byte takes at least a byte.</summary>
    private int ReadSize(string what)
    {
        var size = ReadInt32();
        if (size < 0 || size > _end - _position) throw Bad($"a {what} of {size} items, more than the {_end - _position} bytes left");
        return size;
    }

    private int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    private byte ReadByte()
    {
        if (_position >= _end) throw new EndOfStreamException("the file ends in the middle of a value (truncated?)");
        return _data[_position++];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _end - _position) throw new EndOfStreamException("the file ends in the middle of a value (truncated?)");
        var span = new ReadOnlySpan<byte>(_data, _position, count);
        _position += count;
        return span;
    }

    private InvalidDataException Bad(string what) => new($"bad marshal data: {what}");
}
