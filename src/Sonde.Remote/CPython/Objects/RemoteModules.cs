using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Finds imported modules and their globals: <c>sys.modules</c> is the interpreter's <c>modules</c> dict (3.8-3.11) or
/// <c>imports.modules</c> (3.12+), and a module's globals are its instance dict.
/// </summary>
internal sealed class RemoteModules(RemoteObjects objects, RemoteDicts dicts, RemoteAttributes attributes)
{
    private readonly PythonLayout _layout = objects.Layout;

    /// <summary>The module imported under <paramref name="name"/>, or 0 when it isn't imported (or can't be read).</summary>
    public ulong Find(ulong interpreter, StrKey name)
    {
        if (interpreter == 0 || !objects.Memory.TryReadPointer(interpreter + (ulong)_layout.InterpModules, out var modules)) return 0;
        return dicts.Find(modules, name);
    }

    /// <summary>A module-level name of <paramref name="module"/>; 0 when it isn't set.</summary>
    public ulong Global(ulong module, StrKey name) => attributes.Find(module, name);
}
