using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Cli.Continuous;
using Sonde.Cli.History;
using Sonde.Cli.Targets;
using Sonde.Formats;
using Sonde.Formats.Pprof;
using Sonde.Profiles.Errors;
using Sonde.Store;

namespace Sonde.Cli.Commands;

/// <summary>
/// `sonde agent`: continuous profiling. Samples one process, or every Python process matching a pattern, from
/// outside in windows of --every, and pushes each window as pprof to a Pyroscope-compatible endpoint and/or saves
/// it in the history store, until stopped.
/// </summary>
internal static class AgentCommand
{
    private const string DefaultSpoolMax = "64M";

    /// <summary>How long Ctrl-C waits for the spool to reach the endpoint before leaving the rest for the next run.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static Command Create(Terminal terminal)
    {
        var pid = CommonOptions.Pid();
        var match = new Option<string?>("--match") { Description = "Sample every Python process whose command line matches this regular expression, as they come and go", HelpName = "REGEX" };
        var every = new Option<string>("--every") { Description = "Length of each window (pushed or saved as one profile), e.g. 10s, 1m", DefaultValueFactory = _ => "10s", HelpName = "DURATION" };
        var push = new Option<string?>("--push") { Description = "Push each window as pprof to this Pyroscope-compatible server (POST URL/ingest)", HelpName = "URL" };
        var store = HistoryOptions.StoreOption();
        store.Arity = ArgumentArity.ZeroOrOne;
        store.Description = $"Save each window in the history store; without a value ${StoreLocation.EnvironmentVariable} or ~/.local/share/sonde";
        var name = new Option<string>("--name") { Description = "Application name for the server (and @NAME in the history)", DefaultValueFactory = _ => "python", HelpName = "APP" };
        var label = new Option<string[]>("--label") { Description = "Add a KEY=VALUE label to every window's series (repeatable)", HelpName = "KEY=VALUE" };
        var rate = new Option<double>("--rate", "-r") { Description = "Samples per second", DefaultValueFactory = _ => 100 };
        var spool = new Option<string?>("--spool") { Description = "Directory for windows not yet pushed (default ~/.local/share/sonde/spool/ID, one per URL and name)", HelpName = "DIR" };
        var spoolMax = new Option<string>("--spool-max") { Description = "Bound on the spool's size; the oldest windows go first (bytes, or with K, M, G)", DefaultValueFactory = _ => DefaultSpoolMax, HelpName = "SIZE" };
        var agent = new Command("agent", Examples.Describe(
            "Profile continuously: sample from outside, in windows, a running process or every Python process matching a " +
            "pattern (waiting for them, following them as they come and go), and push each window as pprof to Pyroscope " +
            "and/or save it in the history. Windows that can't be pushed wait in a bounded spool on disk.",
            "sonde agent -p 4242 --push http://127.0.0.1:4040 --name checkout",
            "sonde agent --match 'gunicorn|celery' --every 30s --push http://pyroscope:4040 --label env=prod",
            "sonde agent --match 'manage.py runserver' --store",
            "sonde history   # windows saved with --store"))
        {
            pid, match, every, push, store, name, label, rate, spool, spoolMax,
        };
        agent.SetAction(result => Run(new ContinuousOptions(
            result.GetValue(pid), result.GetValue(match), result.GetValue(every)!, result.GetValue(push),
            result.GetResult(store) is not null, result.GetValue(store), result.GetValue(name)!, result.GetValue(label) ?? [],
            result.GetValue(rate), result.GetValue(spool), result.GetValue(spoolMax)!), terminal));
        return agent;
    }

    internal static int Run(ContinuousOptions options, Terminal terminal)
    {
        var (length, pattern, endpoint, appName, spoolMax) = Validate(options);
        using var signals = new TerminationSignals();
        var storeTarget = options.Store ? ProfileStore.Open(StoreLocation.Resolve(options.StoreLocation)) : null;
        var storedName = IsStorableName(options.Name) ? options.Name : null;
        var sampler = new WindowSampler(options.Rate, Environment.MachineName);
        using var spool = endpoint is null ? null : new PushSpool(options.Spool ?? DefaultSpool(endpoint, appName), spoolMax);
        long windows = 0, saved = 0;
        TargetWatcher? watcher = null;
        IngestSender? sender = null;
        using var status = new AgentStatusLine(terminal, () => string.Create(CultureInfo.InvariantCulture,
            $"{watcher?.Targets.Count ?? 0} targets  {windows} windows  ")
            + (spool is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{sender?.Sent ?? 0} sent  {spool.Count} spooled  "))
            + (storeTarget is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{saved} saved  "))
            + string.Create(CultureInfo.InvariantCulture, $"{sampler.TotalSamples:N0} samples"));
        watcher = new TargetWatcher(options.Pid, pattern, status.Say);
        // A -p process that can't be read is the one line of an error; matches are announced after the intro.
        if (options.Pid is not null) watcher.Refresh();
        using (sender = spool is null ? null : new IngestSender(endpoint!, spool, status.Say))
        {
            var where = string.Join(" and ", new[] { endpoint?.ToString(), storeTarget?.Location.Display }.OfType<string>());
            status.Say(options.Pid is { } p
                ? $"profiling process {p} in windows of {length.TotalSeconds:0.###} s into {TerminalText.Escape(where)}; Ctrl-C stops"
                : $"profiling processes matching {TerminalText.Escape(options.Match!)} in windows of {length.TotalSeconds:0.###} s into {TerminalText.Escape(where)}; Ctrl-C stops");
            if (spool is { Count: > 0 }) status.Say($"{spool.Count} windows left in the spool from before are sent first");
            if (options.Match is not null) watcher.Refresh();
            var targetExited = false;
            var waiting = false;
            while (!signals.Token.IsCancellationRequested && !targetExited)
            {
                if (watcher.Targets.Count == 0 && !waiting)
                    status.Say($"no Python process matches {TerminalText.Escape(options.Match!)} now; waiting for one");
                waiting = watcher.Targets.Count == 0;
                var window = sampler.Record(watcher.Targets, length, signals.Token);
                if (window.Profile.SampleCount > 0)
                {
                    windows++;
                    if (spool is not null) Spool(spool, sender!, status, appName, window, options.Rate);
                    if (storeTarget is not null && Save(storeTarget, window, storedName, status)) saved++;
                }
                if (watcher.DropExited() > 0 && options.Pid is not null) targetExited = true;
                if (!signals.Token.IsCancellationRequested && !targetExited) watcher.Refresh();
            }
            if (sender is not null) sender.Drain(DrainTimeout);
            status.Dispose();
            Finish(terminal, windows, saved, sender, spool, storeTarget);
            if (targetExited)
                throw new TargetException($"process {options.Pid} exited; its windows are pushed or saved, so the agent stops");
        }
        return ExitCodes.Ok;
    }

    private static (TimeSpan Length, Regex? Pattern, Uri? Endpoint, PyroscopeName Name, long SpoolMax) Validate(ContinuousOptions options)
    {
        if (options.Pid is not null && options.Match is not null) throw new UsageException("give either -p PID or --match REGEX, not both");
        if (options.Pid is null && options.Match is null) throw new UsageException("give the process to profile with -p PID, or --match REGEX for every Python process whose command line matches");
        if (options.Push is null && !options.Store) throw new UsageException("say where windows go: --push URL (a Pyroscope server) and/or --store");
        if (options.Rate is <= 0 or > 10_000) throw new UsageException($"--rate must be between 1 and 10000 samples per second, not {options.Rate}");
        var length = WindowLength.Parse(options.Every);
        Regex? pattern = null;
        if (options.Match is not null)
        {
            try { pattern = new Regex(options.Match, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)); }
            catch (ArgumentException e) { throw new UsageException($"--match is not a valid regular expression: {e.Message}"); }
        }
        Uri? endpoint = null;
        if (options.Push is not null)
        {
            if (!Uri.TryCreate(options.Push, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0)
                throw new UsageException($"--push takes the server's http:// or https:// address, e.g. http://127.0.0.1:4040, not '{options.Push}'");
            var path = url.AbsolutePath.TrimEnd('/');
            endpoint = new UriBuilder(url) { Path = path.EndsWith("/ingest", StringComparison.Ordinal) ? path : path + "/ingest" }.Uri;
        }
        return (length, pattern, endpoint, PyroscopeName.Create(options.Name, options.Labels), ParseSize(options.SpoolMax));
    }

    private static void Spool(PushSpool spool, IngestSender sender, AgentStatusLine status, PyroscopeName name, ProfileWindow window, double rate)
    {
        using var body = new MemoryStream();
        new PprofWriter().Write(window.Profile, body, new WriteOptions());
        int dropped;
        try
        {
            dropped = spool.Add(IngestQuery.For(name, window, rate), body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full or unwritable disk costs this window, not the agent: the next one may fit again.
            status.Say($"warning: can't write a window to the spool {TerminalText.Escape(spool.Directory)} ({e.Message.TrimEnd('.')}); it is lost");
            return;
        }
        if (dropped > 0)
            status.Say($"warning: the spool {spool.Directory} is full ({spool.MaxBytes:N0} bytes); dropped its {dropped} oldest unsent window(s), {spool.Dropped} so far");
        sender.Notify();
    }

    private static bool Save(ProfileStore store, ProfileWindow window, string? name, AgentStatusLine status)
    {
        try
        {
            store.Save(window.Profile, name);
            return true;
        }
        catch (SondeException e)
        {
            status.Say($"warning: window not saved in the history: {e.Message.ReplaceLineEndings(" ")}");
            return false;
        }
    }

    private static void Finish(Terminal terminal, long windows, long saved, IngestSender? sender, PushSpool? spool, ProfileStore? store)
    {
        var parts = new List<string> { $"{windows} windows" };
        if (sender is not null) parts.Add($"{sender.Sent} pushed");
        if (store is not null) parts.Add($"{saved} saved in {TerminalText.Escape(store.Location.Display)}");
        if (sender is { Refused: > 0 }) parts.Add($"{sender.Refused} refused by the server");
        if (spool is { Dropped: > 0 }) parts.Add($"{spool.Dropped} dropped from a full spool");
        terminal.Error.WriteLine($"sonde: agent stopped: {string.Join(", ", parts)}");
        if (spool is { Count: > 0 })
            terminal.Error.WriteLine($"sonde: {spool.Count} windows wait in the spool {TerminalText.Escape(spool.Directory)}; the next agent with the same --push and --name sends them");
    }

    /// <summary>One spool per endpoint and application, so agents for different servers or apps don't share one.</summary>
    private static string DefaultSpool(Uri endpoint, PyroscopeName name)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{endpoint}\n{name.Application}")))[..16];
        return Path.Combine(StoreLocation.DefaultDirectory(), "spool", key);
    }

    private static bool IsStorableName(string name)
    {
        try
        {
            ProfileReference.ValidateName(name);
            return true;
        }
        catch (SondeException)
        {
            return false;
        }
    }

    private static long ParseSize(string text)
    {
        var trimmed = text.Trim();
        var scale = trimmed.Length > 0 ? char.ToUpperInvariant(trimmed[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L } : 1L;
        var number = scale == 1 ? trimmed : trimmed[..^1];
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > long.MaxValue / scale || value * scale < 64 << 10)
            throw new UsageException($"--spool-max takes a size of at least 64K, such as 64M or 1G, not '{text}'");
        return value * scale;
    }
}
