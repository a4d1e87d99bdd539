using System.CommandLine;
using Sonde.Profiles.Diff;

namespace Sonde.Cli.CommandLine;

/// <summary>The options `diff` and `check` share, declared once so they read the same in both.</summary>
internal static class DiffCommonOptions
{
    public static Option<string?> Weight() => new("--weight")
    {
        Description = "Compare by this sample weight, e.g. wall or cpu (default: cpu time when both profiles have it, else their time)",
    };

    public static Option<double> FalseDiscoveryRate() => new("--fdr")
    {
        Description = "The false discovery rate at which a change counts as significant",
        DefaultValueFactory = _ => ProfileDiff.DefaultFalseDiscoveryRate,
    };
}
