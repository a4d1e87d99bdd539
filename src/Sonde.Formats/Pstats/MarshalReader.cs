using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Sonde.Formats.Pstats;

/// <summary>
/// Reads one value in Python's marshal format from a byte array. Values become .NET objects: null for None,
/// bool, long, double, string, byte[], object?[] for a tuple, List&lt;object?&gt; for a list or set, and
/// <see cref="MarshalDict"/>. Code objects are read only far enough to name them (<see cref="MarshalCode"/>).
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
    // Holds the back-reference slot of a code object while its fields are read; a reference to it is invalid.
    private static readonly object _reserved = new();
    // Counts in profiles are mostly small: sharing their boxes saves a good part of a large file's allocations.
    private static readonly object[] _smallInts = Enumerable.Range(0, 1024).Select(i => (object)(long)i).ToArray();
    private static readonly Encoding _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly byte[] _data;
    private readonly int _end;
    private readonly List<object?> _refs = [];
    private int _position;
    private int _depth;
    private CodeLayout _codeLayout;

    /// <summary>Code objects changed shape in 3.11; the first one in a file decides which shape the rest have.</summary>
    private enum CodeLayout
    {
        Unknown,
        Python311,
        Python38,
    }

    public MarshalReader(byte[] data, int length)
    {
        _data = data;
        _end = length;
    }

    /// <summary>Reads the next value, which must not be the NULL marker that ends a dict.</summary>
    public object? Read()
    {
        var value = ReadAny();
        if (ReferenceEquals(value, _nullMarker)) throw Bad("a NULL where a value was expected");
        return value;
    }

    // Step by step reading, for large files: a caller walks a known structure without the reader building it,
    // and falls back on Read() wherever the data looks different. Each TryX consumes nothing when it says false.

    /// <summary>Starts a dict: true when the next value is one. Its entries follow, until <see cref="TryEndDict"/>.</summary>
    public bool TryStartDict()
    {
        if (_position >= _end || (_data[_position] & ~MarshalCodes.FlagRef) != MarshalCodes.Dict) return false;
        // A reference back to this dict would find it empty, since its entries are not kept.
        if ((ReadByte() & MarshalCodes.FlagRef) != 0) _refs.Add(new MarshalDict());
        return true;
    }

    /// <summary>True, past it, when the next byte is the NULL that ends a dict.</summary>
    public bool TryEndDict()
    {
        if (_position >= _end || _data[_position] != MarshalCodes.Null) return false;
        _position++;
        return true;
    }

    /// <summary>
    /// Starts a tuple of exactly <paramref name="count"/> items when the next value is one that no later value
    /// refers back to (those are read whole by <see cref="Read"/>); its items follow.
    /// </summary>
    public bool TryStartTuple(int count)
    {
        if (_position >= _end) return false;
        var code = _data[_position];
        if (code == MarshalCodes.SmallTuple && _end - _position >= 2 && _data[_position + 1] == count)
        {
            _position += 2;
            return true;
        }
        if (code == MarshalCodes.Tuple && _end - _position >= 5 && BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(_position + 1)) == count)
        {
            _position += 5;
            return true;
        }
        return false;
    }

    /// <summary>Reads an int or float, or a reference to one, without boxing it.</summary>
    public bool TryReadNumber(out double real, out long integer, out bool isReal)
    {
        (real, integer, isReal) = (0, 0, false);
        if (_position >= _end) return false;
        var code = _data[_position];
        var remember = (code & MarshalCodes.FlagRef) != 0;
        switch ((byte)(code & ~MarshalCodes.FlagRef))
        {
            case MarshalCodes.Int:
                _position++;
                integer = ReadInt32();
                if (remember) _refs.Add(Box(integer));
                return true;
            case MarshalCodes.Float:
                _position++;
                real = ReadBinaryFloat();
                isReal = true;
                if (remember) _refs.Add(real);
                return true;
            case MarshalCodes.Ref:
                if (_end - _position < 5) return false;
                var index = BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(_position + 1, 4));
                if (index < 0 || index >= _refs.Count) return false;
                switch (_refs[index])
                {
                    case long l:
                        integer = l;
                        break;
                    case double d:
                        real = d;
                        isReal = true;
                        break;
                    default:
                        return false;
                }
                _position += 5;
                return true;
            default:
                return false;
        }
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
            case MarshalCodes.Int: value = Box(ReadInt32()); break;
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
            case MarshalCodes.Code: value = ReadCode(remember); remember = false; break;
            default: throw Bad($"unknown type code 0x{type:x2} at byte {_position - 1}");
        }
        if (remember) _refs.Add(value);
        _depth--;
        return value;
    }

    private static object Box(long value) => value >= 0 && value < _smallInts.Length ? _smallInts[value] : value;

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
        if (index < 0 || index >= _refs.Count || ReferenceEquals(_refs[index], _reserved))
            throw Bad($"a reference to object #{index}, of {_refs.Count} so far");
        return _refs[index];
    }

    /// <summary>
    /// Reads a code object for its name, file and first line. The file does not say which Python wrote it, so
    /// the first code object is tried in the 3.11+ shape, then in the 3.8-3.10 one; later ones use the shape
    /// that worked, so nested code objects are never read more than twice.
    /// </summary>
    private MarshalCode ReadCode(bool remember)
    {
        var slot = _refs.Count;
        if (remember) _refs.Add(_reserved);
        MarshalCode code;
        if (_codeLayout != CodeLayout.Unknown) code = ReadCode(_codeLayout);
        else
        {
            var (position, refs, depth) = (_position, _refs.Count, _depth);
            try
            {
                _codeLayout = CodeLayout.Python311;
                code = ReadCode(CodeLayout.Python311);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                (_position, _depth) = (position, depth);
                _refs.RemoveRange(refs, _refs.Count - refs);
                _codeLayout = CodeLayout.Python38;
                code = ReadCode(CodeLayout.Python38);
            }
        }
        if (remember) _refs[slot] = code;
        return code;
    }

    private MarshalCode ReadCode(CodeLayout layout)
    {
        // argcount, posonlyargcount, kwonlyargcount, (nlocals before 3.11,) stacksize, flags
        Take(layout == CodeLayout.Python311 ? 5 * 4 : 6 * 4);
        Expect<byte[]>("code");
        Read(); // consts
        Read(); // names
        string name;
        if (layout == CodeLayout.Python311)
        {
            Read(); // localsplusnames
            Expect<byte[]>("localspluskinds");
            var filename = Expect<string>("filename");
            name = Expect<string>("name");
            Expect<string>("qualname");
            var firstLine = ReadInt32();
            Expect<byte[]>("linetable");
            Expect<byte[]>("exceptiontable");
            return new MarshalCode(name, filename, firstLine);
        }
        Read(); // varnames
        Read(); // freevars
        Read(); // cellvars
        var file = Expect<string>("filename");
        name = Expect<string>("name");
        var line = ReadInt32();
        Expect<byte[]>("lnotab");
        return new MarshalCode(name, file, line);
    }

    private T Expect<T>(string field) where T : class =>
        Read() as T ?? throw Bad($"a code object whose {field} is not a {typeof(T).Name}");

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
