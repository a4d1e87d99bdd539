namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Reads the names Python code gave its threads: <c>threading._active</c> maps each thread's ident (the value of
/// <c>threading.get_ident()</c>, which is the thread state's <c>thread_id</c>) to its <c>Thread</c>, whose name is
/// the <c>_name</c> attribute. Nothing is found when the program never imported <c>threading</c>.
/// </summary>
internal sealed class ThreadingNames(RemoteObjects objects, RemoteTypes types, RemoteModules modules, RemoteAttributes attributes,
    RemoteDicts dicts, RemoteInts ints)
{
    private const int MaxThreads = 4096;

    // Per target: each key learns its hash in this process.
    private readonly StrKey _threading = new("threading");
    private readonly StrKey _active = new("_active");
    private readonly StrKey _name = new("_name");
    private readonly List<(ulong Key, ulong Value)> _items = [];

    /// <summary>Adds ident → name for every thread in <c>threading._active</c>. False when there is nothing to read.</summary>
    public bool TryRead(ulong interpreter, Dictionary<ulong, string> names)
    {
        var module = modules.Find(interpreter, _threading);
        if (module == 0) return false;
        var active = modules.Global(module, _active);
        _items.Clear();
        if (active == 0 || !dicts.TryReadItems(active, _items, MaxThreads)) return false;
        foreach (var (key, thread) in _items)
        {
            if (types.KindOf(types.TypeOf(key)) != ObjectKind.Int || !ints.TryReadUInt64(key, out var ident)) continue;
            var name = attributes.Find(thread, _name);
            if (types.KindOf(types.TypeOf(name)) != ObjectKind.Str) continue;
            if (objects.ReadString(name) is { } text) names[ident] = text;
        }
        return true;
    }
}
