using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sonde.Web.Tests.Support;

/// <summary>
/// A real <c>sonde view</c> process (the built sonde.dll), serving until disposed; <see cref="Url"/> is the address
/// it printed.
/// </summary>
internal sealed partial class ViewProcess : IDisposable
{
    private static readonly string _dll = Path.Combine(AppContext.BaseDirectory, "sonde.dll");
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ViewProcess(Process process, Uri url, Task<string> stderr)
    {
        _process = process;
        Url = url;
        _stderr = stderr;
    }

    public Uri Url { get; }

    /// <summary>What the process printed on stderr; only complete once it has exited.</summary>
    public string StdErr => _process.HasExited ? _stderr.Result : "";

    public static ViewProcess Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(WithSigintDefault.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        WithSigintDefault.AddPrefix(info);
        info.ArgumentList.Add(_dll);
        info.ArgumentList.Add("view");
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var firstLine = process.StandardOutput.ReadLineAsync();
        if (!firstLine.Wait(TimeSpan.FromSeconds(90)) || firstLine.Result is null)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException($"sonde view printed no address: {stderr.Result}");
        }
        var match = UrlPattern().Match(firstLine.Result);
        if (!match.Success) throw new InvalidOperationException($"no address in: {firstLine.Result}");
        // Keep draining stdout so the server never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        return new ViewProcess(process, new Uri(match.Value), stderr);
    }

    /// <summary>Stops the server as Ctrl-C would, and returns its exit code.</summary>
    public int Stop()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }

    [GeneratedRegex(@"http://\S+/")]
    private static partial Regex UrlPattern();
}
