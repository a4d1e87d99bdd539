using System.Globalization;
using System.Net;
using Sonde.Profiles.Errors;

namespace Sonde.Metrics;

/// <summary>Where the /metrics endpoint listens: <c>HOST:PORT</c>, loopback (127.0.0.1:9464) unless asked otherwise.</summary>
public sealed record ListenAddress(string Host, int Port)
{
    /// <summary>9464 is the port OpenTelemetry's Prometheus exporters use by convention.</summary>
    public static ListenAddress Default { get; } = new("127.0.0.1", 9464);

    public static ListenAddress Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
        {
            var host = text[..colon].Trim('[', ']');
            if (host == "localhost" || IPAddress.TryParse(host, out _)) return new ListenAddress(host, port);
        }
        throw new UsageException($"--listen takes ADDRESS:PORT such as 127.0.0.1:9464, not '{text.ReplaceLineEndings(" ")}'");
    }

    /// <summary>The HttpListener prefix; the unspecified addresses mean every interface.</summary>
    public string Prefix => Host switch
    {
        "0.0.0.0" or "::" => $"http://*:{Port}/",
        _ when Host.Contains(':') => $"http://[{Host}]:{Port}/",
        _ => $"http://{Host}:{Port}/",
    };

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
