using System.Globalization;

namespace Sonde.Cli.Continuous;

/// <summary>The query string of one push to Pyroscope's <c>POST /ingest</c>.</summary>
internal static class IngestQuery
{
    /// <summary>
    /// <c>name</c> (application and labels), <c>from</c>/<c>until</c> (Unix seconds, rounded down, so back-to-back
    /// windows meet without overlapping; a window shorter than a second still spans one), <c>format=pprof</c>, the
    /// sampling rate and the spy's name.
    /// </summary>
    public static string For(PyroscopeName name, ProfileWindow window, double rateHz)
    {
        var from = window.From.ToUnixTimeSeconds();
        var until = Math.Max(from + 1, window.Until.ToUnixTimeSeconds());
        return string.Create(CultureInfo.InvariantCulture,
            $"name={Uri.EscapeDataString(name.ToString())}&from={from}&until={until}&format=pprof&sampleRate={Math.Round(rateHz)}&spyName=sonde");
    }
}
