namespace Sonde.Cli.Reports;

/// <summary>The orders <c>--sort</c> offers. Numbers sort largest first, names A to Z.</summary>
internal enum ReportSort
{
    Own,
    Total,
    Calls,
    Name,
    File,
}
