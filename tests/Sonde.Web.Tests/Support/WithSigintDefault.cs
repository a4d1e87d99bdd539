using System.Diagnostics;

namespace Sonde.Web.Tests.Support;

/// <summary>
/// Starts `dotnet sonde.dll ...` through `env --default-signal=INT`, so the Ctrl-C the tests send reaches sonde even
/// when the test runner itself was started in the background, where SIGINT is inherited as ignored.
/// </summary>
internal static class WithSigintDefault
{
    public const string FileName = "/usr/bin/env";

    public static void AddPrefix(ProcessStartInfo info)
    {
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
    }
}
