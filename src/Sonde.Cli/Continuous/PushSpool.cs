using System.Globalization;
using System.Text;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Continuous;

/// <summary>
/// The windows waiting to be pushed, one file each in a private directory, sent oldest first. Every window goes
/// through it, so one that can't be sent yet (the endpoint is down, or Sonde is stopping) is already on disk.
/// The total size is bounded: when a new window would pass the bound, the oldest ones are deleted and counted.
/// A lock file keeps two agents from sending the same spool.
/// </summary>
internal sealed class PushSpool : IDisposable
{
    private const string Extension = ".window";

    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, long> _sizes = [];
    private readonly FileStream _lockFile;
    private long _next;
    private long _bytes;

    public PushSpool(string directory, long maxBytes)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("sonde agent runs on Linux");
        Directory = directory;
        MaxBytes = maxBytes;
        try
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            _lockFile = new FileStream(Path.Combine(directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (System.IO.Directory.Exists(directory))
        {
            throw new UsageException($"another sonde agent is using the spool {directory} ({e.Message.TrimEnd('.')}); give this one its own with --spool DIR");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"can't use {directory} as the spool: {e.Message.TrimEnd('.')}; choose another with --spool DIR");
        }
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(".tmp", StringComparison.Ordinal)) File.Delete(path);
            else if (name.EndsWith(Extension, StringComparison.Ordinal) && long.TryParse(name[..^Extension.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                var size = new FileInfo(path).Length;
                _sizes[sequence] = size;
                _bytes += size;
                _next = Math.Max(_next, sequence + 1);
            }
        }
    }

    public string Directory { get; }
    public long MaxBytes { get; }

    /// <summary>Windows deleted unsent because the spool was full.</summary>
    public long Dropped { get; private set; }

    public int Count { get { lock (_lock) return _sizes.Count; } }

    public long Bytes { get { lock (_lock) return _bytes; } }

    /// <summary>Writes a window (atomically: a reader never sees half of one) and returns how many old ones made room for it.</summary>
    public int Add(string query, ReadOnlySpan<byte> body)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("sonde agent runs on Linux");
        long sequence;
        lock (_lock) sequence = _next++;
        var path = PathOf(sequence);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            file.Write(Encoding.ASCII.GetBytes(query + "\n"));
            file.Write(body);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path);
        var size = new FileInfo(path).Length;
        var dropped = 0;
        lock (_lock)
        {
            _sizes[sequence] = size;
            _bytes += size;
            while (_bytes > MaxBytes && _sizes.Count > 1)
            {
                var oldest = _sizes.First();
                File.Delete(PathOf(oldest.Key));
                _sizes.Remove(oldest.Key);
                _bytes -= oldest.Value;
                dropped++;
            }
            Dropped += dropped;
        }
        return dropped;
    }

    /// <summary>The oldest window's sequence number, query and body; false when the spool is empty.</summary>
    public bool TryReadOldest(out long sequence, out string query, out byte[] body)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_sizes.Count == 0)
                {
                    (sequence, query, body) = (0, "", []);
                    return false;
                }
                sequence = _sizes.First().Key;
            }
            byte[] content;
            try { content = File.ReadAllBytes(PathOf(sequence)); }
            catch (FileNotFoundException)
            {
                // Deleted to make room while we looked: the next oldest is the one to send.
                Forget(sequence);
                continue;
            }
            var newline = Array.IndexOf(content, (byte)'\n');
            if (newline < 0)
            {
                Remove(sequence);
                continue;
            }
            query = Encoding.ASCII.GetString(content, 0, newline);
            body = content[(newline + 1)..];
            return true;
        }
    }

    /// <summary>Deletes a window once it was delivered (or refused for good).</summary>
    public void Remove(long sequence)
    {
        File.Delete(PathOf(sequence));
        Forget(sequence);
    }

    private void Forget(long sequence)
    {
        lock (_lock)
        {
            if (_sizes.Remove(sequence, out var size)) _bytes -= size;
        }
    }

    private string PathOf(long sequence) => Path.Combine(Directory, sequence.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    public void Dispose() => _lockFile.Dispose();
}
