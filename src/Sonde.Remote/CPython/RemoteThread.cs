namespace Sonde.Remote.CPython;

/// <summary>
/// A thread state read from the target. <see cref="NativeThreadId"/> is the kernel tid (0 when unknown);
/// <see cref="TopFrame"/> is the innermost frame; <see cref="DatastackChunk"/> (3.11+) is the chunk that holds
/// the thread's interpreter frames; <see cref="Cframe"/> (3.11 and 3.12) is the <c>_PyCFrame</c> that
/// <see cref="TopFrame"/> was read from; <see cref="HoldsGil"/> (3.13+, false before) is the thread state's own
/// <c>_status.holds_gil</c>.
/// </summary>
public readonly record struct RemoteThread(ulong Address, ulong ThreadIdent, int NativeThreadId, ulong TopFrame, ulong DatastackChunk, ulong Cframe = 0, bool HoldsGil = false);
