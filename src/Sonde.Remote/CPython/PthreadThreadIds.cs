using Sonde.Remote.Memory;

namespace Sonde.Remote.CPython;

/// <summary>
/// Maps a pthread handle to its kernel tid for versions whose thread states don't store the tid (before 3.11).
/// On glibc and musl, <c>pthread_t</c> is the address of the thread's descriptor, which holds the tid at a fixed
/// offset. Rather than assume a libc, the offset is learned from the target: it is the one at which every known
/// thread's descriptor holds one of the process's tids.
/// </summary>
internal sealed class PthreadThreadIds(IProcessMemory memory)
{
    private const int SearchBytes = 2048;

    private int _offset = -1;

    /// <summary>Kernel tids per thread handle; 0 for a handle that can't be mapped.</summary>
    public void Resolve(ReadOnlySpan<ulong> handles, Span<int> tids)
    {
        tids.Clear();
        if (handles.IsEmpty) return;
        // Learning scans the descriptors once; after that a tid costs one small read per thread.
        if (_offset < 0) _offset = LearnOffset(handles, TaskIds());
        if (_offset < 0) return;
        for (var i = 0; i < handles.Length; i++)
            if (memory.TryReadInt32(handles[i] + (ulong)_offset, out var tid) && tid > 0) tids[i] = tid;
    }

    private int LearnOffset(ReadOnlySpan<ulong> handles, HashSet<int> taskIds)
    {
        var blocks = new List<byte[]>();
        foreach (var handle in handles)
        {
            var block = new byte[SearchBytes];
            if (RemoteReader.LooksLikeObjectPointer(handle) && memory.TryRead(handle, block)) blocks.Add(block);
        }
        if (blocks.Count == 0) return -1;
        for (var offset = 0; offset + 4 <= SearchBytes; offset += 4)
        {
            var seen = new HashSet<int>();
            var all = true;
            foreach (var block in blocks)
            {
                var value = RemoteReader.Int32(block, offset);
                if (!taskIds.Contains(value) || !seen.Add(value)) { all = false; break; }
            }
            if (all) return offset;
        }
        return -1;
    }

    private HashSet<int> TaskIds()
    {
        var ids = new HashSet<int>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories($"/proc/{memory.ProcessId}/task"))
                if (int.TryParse(Path.GetFileName(dir), out var tid)) ids.Add(tid);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return ids;
    }
}
