using Sonde.Remote.CPython.Layouts;
using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// Reads a frame's local variables. 3.8-3.10: the first <c>co_nlocals</c> slots of <c>f_localsplus</c>, named by
/// <c>co_varnames</c>. 3.11+: the <c>localsplus</c> slots whose <c>co_localspluskinds</c> say plain local, named by
/// <c>co_localsplusnames</c>; locals captured by a closure (cells) and the hidden variables of inlined comprehensions
/// are left out. Unbound locals (empty slots) are skipped, as <c>locals()</c> skips them.
/// </summary>
internal sealed class FrameLocals(RemoteObjects objects, RemoteTypes types, RemoteValues values)
{
    /// <summary>Slots read per frame; a code object with more locals shows its first ones.</summary>
    public const int MaxLocals = 1024;

    private readonly IProcessMemory _memory = objects.Memory;
    private readonly PythonLayout _layout = objects.Layout;
    private readonly bool _interpreterFrames = objects.Layout.IFrameLocalsPlus >= 0;
    private readonly int _codeSize = new[]
    {
        objects.Layout.CodeNLocals, objects.Layout.CodeVarnames, objects.Layout.CodeNLocalsPlus,
        objects.Layout.CodeLocalsPlusNames, objects.Layout.CodeLocalsPlusKinds,
    }.Max() + 8;

    /// <summary>The frame's bound locals in slot order, or null when the frame no longer runs its code or can't be read.</summary>
    public IReadOnlyList<RemoteLocal>? Read(in RemoteFrame frame)
    {
        if (!StillRuns(frame)) return null;
        var code = frame.Code.Address;
        Span<byte> header = stackalloc byte[_codeSize];
        if (!_memory.TryRead(code, header)) return null;

        var count = RemoteReader.Int32(header, _interpreterFrames ? _layout.CodeNLocalsPlus : _layout.CodeNLocals);
        var namesTuple = RemoteReader.Pointer(header, _interpreterFrames ? _layout.CodeLocalsPlusNames : _layout.CodeVarnames);
        if (count < 0) return null;
        count = Math.Min(count, MaxLocals);

        var names = new ulong[count];
        var slots = new ulong[count];
        var kinds = new byte[count];
        if (!TryReadNames(namesTuple, names)) return null;
        if (_interpreterFrames && !TryReadKinds(RemoteReader.Pointer(header, _layout.CodeLocalsPlusKinds), kinds)) return null;
        var slotsStart = frame.Address + (ulong)(_interpreterFrames ? _layout.IFrameLocalsPlus : _layout.FrameLocalsPlus);
        if (!_memory.TryRead(slotsStart, System.Runtime.InteropServices.MemoryMarshal.AsBytes(slots.AsSpan()))) return null;

        var locals = new List<RemoteLocal>();
        for (var i = 0; i < count; i++)
        {
            if (slots[i] == 0 || (_interpreterFrames && !IsPlainLocal(kinds[i]))) continue;
            var (typeName, value) = values.Describe(slots[i]);
            locals.Add(new RemoteLocal(objects.ReadString(names[i]) ?? "?", typeName, value));
        }
        return locals;
    }

    /// <summary>
    /// Whether the frame still runs the code it ran during the walk. On 3.11+ a returned frame's slot is reused by the
    /// next call, with other code; on 3.8-3.10 a returned frame object is kept, cleared, for its code's next call, so
    /// it must also be executing.
    /// </summary>
    private bool StillRuns(in RemoteFrame frame)
    {
        if (_interpreterFrames)
            return _memory.TryReadPointer(frame.Address + (ulong)_layout.IFrameCode, out var code) && code == frame.Code.Address;
        var stateField = _layout.FrameState >= 0 ? _layout.FrameState : _layout.FrameExecuting;
        Span<byte> block = stackalloc byte[Math.Max(_layout.FrameCode + 8, stateField + 1)];
        if (!_memory.TryRead(frame.Address, block) || RemoteReader.Pointer(block, _layout.FrameCode) != frame.Code.Address) return false;
        // f_state is 0 (FRAME_EXECUTING) while the frame runs on 3.10; f_executing is non-zero on 3.8-3.9.
        return _layout.FrameState >= 0 ? (sbyte)block[stateField] == 0 : block[stateField] != 0;
    }

    private bool IsPlainLocal(byte kind) =>
        (kind & _layout.CoFastLocal) != 0 && (kind & _layout.CoFastCell) == 0
        && (_layout.CoFastHidden < 0 || (kind & _layout.CoFastHidden) == 0);

    /// <summary>The name of every slot, from a tuple at least as long as the slots.</summary>
    private bool TryReadNames(ulong tuple, ulong[] names)
    {
        if (types.KindOf(types.TypeOf(tuple)) != ObjectKind.Tuple) return false;
        if (!_memory.TryReadInt64(tuple + (ulong)_layout.VarObjectSize, out var size) || size < names.Length) return false;
        return _memory.TryRead(tuple + (ulong)_layout.TupleItems, System.Runtime.InteropServices.MemoryMarshal.AsBytes(names.AsSpan()));
    }

    /// <summary>The kind byte of every slot, from a bytes object exactly as long as the slots.</summary>
    private bool TryReadKinds(ulong bytes, byte[] kinds)
    {
        if (types.KindOf(types.TypeOf(bytes)) != ObjectKind.Bytes) return false;
        if (!_memory.TryReadInt64(bytes + (ulong)_layout.BytesSize, out var size) || size < kinds.Length) return false;
        return _memory.TryRead(bytes + (ulong)_layout.BytesData, kinds);
    }
}
