using System.CommandLine;
using System.Diagnostics;
using System.Net;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.History;
using Sonde.Cli.Targets;
using Sonde.Profiles.Errors;
using Sonde.Store;
using Sonde.Web;

namespace Sonde.Cli.Commands;

/// <summary>`sonde view`: serves a profile (and a baseline to diff against) to a local web page.</summary>
internal static class ViewCommand
{
    public const string DefaultHost = "127.0.0.1";

    public static Command Create(Terminal terminal)
    {
        var file = new Argument<string>("file") { Description = "A profile file of any format Sonde reads" };
        var baseline = new Option<string?>("--base") { Description = "A profile to compare against in the diff view" };
        var port = new Option<int>("--port") { Description = "Listen on this port (default: a free one)" };
        var open = new Option<bool>("--open") { Description = "Open the page in the default browser" };
        var host = new Option<string?>("--host") { Description = $"Listen on this address instead of {DefaultHost}; anyone who can reach it sees the profiles" };
        var store = HistoryOptions.StoreOption();
        var view = new Command("view", Examples.Describe(
            "Show a profile in the browser: flame graph, icicle, sunburst, function table, call tree, source heat, timeline and diff.",
            "sonde view profile.sonde",
            "sonde view new.sonde --base old.sonde --open",
            "sonde view profile.prof --port 8080",
            "sonde view @last --base @nightly --store ~/team/history.db"))
        {
            file, baseline, port, open, host, store,
        };
        view.SetAction(result => Run(new ViewOptions(
            result.GetValue(file)!, result.GetValue(baseline), result.GetValue(port), result.GetValue(open), result.GetValue(host), result.GetValue(store)), terminal));
        return view;
    }

    internal static int Run(ViewOptions options, Terminal terminal)
    {
        var profile = ProfileSource.Read(options.File, options.Store);
        var baseline = options.Base is null ? null : ProfileSource.Read(options.Base, options.Store);
        using var signals = new TerminationSignals();
        var serverOptions = new ViewServerOptions(
            (Path.GetFileName(options.File), profile),
            baseline is null ? null : (Path.GetFileName(options.Base!), baseline),
            options.Host ?? DefaultHost,
            options.Port,
            [Environment.CurrentDirectory, Path.GetDirectoryName(Path.GetFullPath(options.File))!]);
        var server = ViewServer.StartAsync(serverOptions, signals.Token).GetAwaiter().GetResult();
        try
        {
            if (options.Host is { } host && !IPAddress.IsLoopback(IPAddress.Parse(host)))
                terminal.Error.WriteLine(terminal.Yellow($"sonde: warning: listening on {TerminalText.Escape(host)}: anyone who can reach this address can read the profiles and their source files", forError: true));
            terminal.Out.WriteLine($"sonde: serving {TerminalText.Escape(options.File)} at {server.Url} (Ctrl-C to stop)");
            terminal.Out.Flush();
            var preparing = server.PrepareViewsAsync();
            if (options.Open) OpenBrowser(server.Url, terminal);
            server.WaitAsync(signals.Token).GetAwaiter().GetResult();
            preparing.GetAwaiter().GetResult();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return ExitCodes.Ok;
    }

    private static void OpenBrowser(Uri url, Terminal terminal)
    {
        try
        {
            using var opener = Process.Start(new ProcessStartInfo("xdg-open", url.ToString()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            terminal.Error.WriteLine($"sonde: could not open a browser (no xdg-open); open {url} yourself");
        }
    }
}
