using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Finds an attribute in an object's own namespace, the way <c>object.__getattribute__</c> reads the instance dict
/// (class attributes and descriptors are not consulted). Where the namespace lives depends on the version:
/// <list type="bullet">
/// <item>3.8-3.10, and types without a managed dict: a dict pointer at <c>tp_dictoffset</c> (negative: from the end).</item>
/// <item>3.11: a values pointer and a dict pointer before the object; values, when set, hold the attributes without a dict.</item>
/// <item>3.12: one word before the object holding either the dict or, tagged, the values.</item>
/// <item>3.13: values inline after the object header while valid, else the dict pointer before it.</item>
/// </list>
/// Values without a dict are indexed like the type's shared keys (<c>ht_cached_keys</c>).
/// </summary>
internal sealed class RemoteAttributes(RemoteObjects objects, RemoteTypes types, RemoteDicts dicts)
{
    private readonly IProcessMemory _memory = objects.Memory;
    private readonly PythonLayout _layout = objects.Layout;

    /// <summary>The attribute's value, or 0 when the object has no such attribute of its own or can't be read.</summary>
    public ulong Find(ulong address, StrKey name)
    {
        var type = types.TypeOf(address);
        if (type == 0 || !types.TryReadFields(type, out var fields)) return 0;
        if (_layout.TpFlagsManagedDict >= 0 && (fields.Flags & (ulong)_layout.TpFlagsManagedDict) != 0)
            return FindManaged(address, type, fields, name);
        var dict = DictAt(address, fields);
        return dict == 0 ? 0 : dicts.Find(dict, name);
    }

    private ulong FindManaged(ulong address, ulong type, in TypeFields fields, StrKey name)
    {
        var before = address - (ulong)_layout.ObjectManagedDictBefore;
        if (_layout.ObjectInlineValues >= 0 && (fields.Flags & (ulong)_layout.TpFlagsInlineValues) != 0)
        {
            // 3.13: the inline values stay authoritative while valid, even once a dict has been made for them.
            var inline = address + (ulong)_layout.ObjectInlineValues;
            Span<byte> valid = stackalloc byte[1];
            if (!_memory.TryRead(inline + (ulong)_layout.DictValuesValid, valid)) return 0;
            if (valid[0] != 0) return FindInValues(type, fields, inline, name);
        }
        else if (_layout.ObjectManagedValuesBefore >= 0)
        {
            // 3.11: a separate values pointer, set until a dict is made.
            if (!_memory.TryReadPointer(address - (ulong)_layout.ObjectManagedValuesBefore, out var values)) return 0;
            if (values != 0) return FindInValues(type, fields, values, name);
        }
        else if (_layout.DictOrValuesTag >= 0)
        {
            // 3.12: one word, the values pointer tagged in its low bit, or the dict.
            if (!_memory.TryReadPointer(before, out var word)) return 0;
            var tag = (ulong)_layout.DictOrValuesTag;
            if ((word & tag) != 0) return FindInValues(type, fields, word + tag, name);
            return word == 0 ? 0 : dicts.Find(word, name);
        }
        return _memory.TryReadPointer(before, out var dict) && dict != 0 ? dicts.Find(dict, name) : 0;
    }

    /// <summary>Attribute values kept without a dict: indexed like the type's shared keys.</summary>
    private ulong FindInValues(ulong type, in TypeFields fields, ulong valuesAddress, StrKey name)
    {
        var cachedKeys = types.CachedKeys(type, fields);
        if (cachedKeys == 0 || !dicts.TryReadKeys(cachedKeys, out var keys)) return 0;
        if (!dicts.TryReadValues(valuesAddress, keys, out var values)) return 0;
        var index = dicts.IndexOf(keys, name);
        return index < 0 ? 0 : dicts.ValueAt(keys, values, index);
    }

    /// <summary>The instance dict found through <c>tp_dictoffset</c>; 0 when there is none.</summary>
    private ulong DictAt(ulong address, in TypeFields fields)
    {
        var offset = fields.DictOffset;
        if (offset == 0) return 0;
        if (offset < 0)
        {
            // Variable-size objects keep the dict after their items: offset from the end of the (aligned) object.
            if (!_memory.TryReadInt64(address + (ulong)_layout.VarObjectSize, out var items)) return 0;
            items = Math.Abs(items);
            if (items > 1 << 24) return 0;
            var size = (fields.BasicSize + items * fields.ItemSize + 7) & ~7L;
            offset += size;
            if (offset < 0) return 0;
        }
        if (offset > 1 << 20) return 0;
        return _memory.TryReadPointer(address + (ulong)offset, out var dict) && RemoteReader.LooksLikeObjectPointer(dict) ? dict : 0;
    }
}
