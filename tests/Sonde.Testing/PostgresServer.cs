using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Sonde.Testing;

/// <summary>
/// A real, throwaway PostgreSQL server (Debian's postgresql package): initdb into a temporary directory, listening on a
/// free loopback port and a socket in that directory, trusting local connections. PostgreSQL refuses to run as root,
/// so under root it runs as the package's postgres user. Skips visibly when PostgreSQL is not installed.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;

    private PostgresServer(string binDirectory, string dataDirectory, int port, bool asPostgresUser)
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>A <c>postgresql://</c> URL of a database on this server.</summary>
    public string Url(string database = "postgres") => $"postgresql://sonde@127.0.0.1:{Port}/{database}";

    public static PostgresServer Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null) Assert.Skip("PostgreSQL is not installed (Debian package postgresql; scripts/test.sh installs it)");
        var asPostgresUser = Environment.UserName == "root";
        var data = Path.Combine(Path.GetTempPath(), "sonde-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        if (asPostgresUser) Check(ExternalTool.Run("chown", ["postgres:postgres", data]), "chown");
        var server = new PostgresServer(bin!, data, FreePort(), asPostgresUser);
        try
        {
            server.Check("initdb", "-D", data, "-U", "sonde", "--auth=trust", "--no-sync", "-E", "UTF8");
            server.Check("pg_ctl", "-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60",
                "-o", $"-p {server.Port} -h 127.0.0.1 -k {data} -c fsync=off -c max_connections=60", "start");
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    public void Dispose()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            Run("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void Check(string tool, params string[] arguments) => Check(Run(tool, arguments), tool);

    private ToolResult Run(string tool, params string[] arguments)
    {
        var program = Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? ExternalTool.Run("runuser", ["-u", "postgres", "--", program, .. arguments], timeout: TimeSpan.FromMinutes(2))
            : ExternalTool.Run(program, arguments, timeout: TimeSpan.FromMinutes(2));
    }

    private static void Check(ToolResult result, string what)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException($"{what} failed: {result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
