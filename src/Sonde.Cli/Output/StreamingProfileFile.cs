using Sonde.Formats;
using Sonde.Formats.Native;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Output;

/// <summary>
/// A <c>.sonde</c> file written while the recording runs: a background thread appends what is new about once a
/// second and asks for it to reach the disk, so if Sonde is killed the file still holds all but the last second.
/// A recording that ends normally is then rewritten in one go, which packs a second's small blocks into large
/// ones: the file gets smaller and reads several times faster.
/// </summary>
internal sealed class StreamingProfileFile : IDisposable
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly Profile _profile;
    private readonly object _syncRoot;
    private readonly FileStream _stream;
    private readonly NativeStreamWriter _writer;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private Exception? _failure;
    private bool _finished;

    private StreamingProfileFile(string path, FileStream stream, Profile profile, object syncRoot, TimeSpan period)
    {
        _path = path;
        _stream = stream;
        _profile = profile;
        _syncRoot = syncRoot;
        _writer = new NativeStreamWriter(stream, durable: true);
        // The header and metadata go out at once, so even a recording killed in its first second leaves a readable file.
        _writer.Append(profile, syncRoot);
        _thread = new Thread(() => FlushPeriodically(period)) { IsBackground = true, Name = "sonde profile writer" };
        _thread.Start();
    }

    /// <summary>Creates (or replaces) the file and starts appending <paramref name="profile"/> to it.</summary>
    /// <param name="syncRoot">The lock the sampler holds while it adds to the profile.</param>
    public static StreamingProfileFile Start(string path, Profile profile, object syncRoot, TimeSpan? period = null)
    {
        FileStream? stream = null;
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            stream = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            return new StreamingProfileFile(path, stream, profile, syncRoot, period ?? DefaultPeriod);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            throw WriteError(path, e);
        }
    }

    /// <summary>
    /// Stops the periodic appends, writes the rest with the final metadata, and closes the file; then replaces it
    /// with the same profile written in one go. The streamed file is complete before the rewrite starts, so a
    /// rewrite that fails or is interrupted loses nothing.
    /// </summary>
    public void Finish()
    {
        StopThread();
        try
        {
            if (_failure is not null) throw _failure;
            _writer.Complete(_profile, _syncRoot);
            _finished = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WriteError(_path, e);
        }
        finally
        {
            _stream.Dispose();
        }
        try
        {
            ProfileOutput.Write(_profile, _path, new NativeWriter(), WriteOptions.Default);
        }
        catch (SondeException)
        {
            // The streamed file is already complete; it is only larger and slower to read.
        }
    }

    /// <summary>Without <see cref="Finish"/>, leaves the file as the last append left it, which still reads.</summary>
    public void Dispose()
    {
        if (!_finished)
        {
            StopThread();
            _stream.Dispose();
        }
        _stop.Dispose();
    }

    private void FlushPeriodically(TimeSpan period)
    {
        while (!_stop.Wait(period))
        {
            try
            {
                _writer.Append(_profile, _syncRoot);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Reported when the recording ends; the samples stay in memory until then.
                _failure = e;
                return;
            }
        }
    }

    private void StopThread()
    {
        if (_stop.IsSet) return;
        _stop.Set();
        _thread.Join();
    }

    private static SondeException WriteError(string path, Exception e) =>
        new($"could not write '{path}': {e.Message}; check the disk space and the directory's permissions", ExitCodes.BadInput, e);
}
