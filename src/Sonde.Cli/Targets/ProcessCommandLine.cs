namespace Sonde.Cli.Targets;

/// <summary>The command line of a process we attach to, from /proc, for the profile's metadata.</summary>
internal static class ProcessCommandLine
{
    public static string? Read(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.TrimEnd('\0').Replace('\0', ' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
