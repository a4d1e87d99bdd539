using Sonde.Formats;
using Sonde.Profiles;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Output;

/// <summary>Chooses a writer for an output path and writes atomically, so a reader never sees half a file.</summary>
internal static class ProfileOutput
{
    /// <summary>The writer named by <paramref name="format"/>, else the one the path's extension implies.</summary>
    public static IProfileWriter WriterFor(string path, string? format) =>
        format is not null
            ? FormatRegistry.ForName(format)
            : FormatRegistry.ForPath(path)
              ?? throw new UsageException($"can't tell the format of '{path}' from its name; give -f with one of: {string.Join(", ", FormatRegistry.Names)}");

    public static void Write(Profile profile, string path, IProfileWriter writer, WriteOptions options)
    {
        // The writers put a thread root above everything; with process roots too, it belongs below its process.
        if (options.ThreadRoots && writer.DrawsThreadRoots && ThreadRooting.HasProcessRoots(profile))
            (profile, options) = (ThreadRooting.Apply(profile), options with { ThreadRoots = false });
        WriteAtomically(path, stream => writer.Write(profile, stream, options));
    }

    /// <summary>Writes through <paramref name="write"/> into a temporary file next to <paramref name="path"/>, then renames it.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new SondeException($"could not write '{path}': {e.Message}", ExitCodes.BadInput, e);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
