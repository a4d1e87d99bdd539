using Sonde.Formats;
using Sonde.Profiles.Diff;
using Sonde.Profiles.Errors;

namespace Sonde.Cli.Diff;

/// <summary>Reads BASE and NEW and compares them; what `diff` and `check` share.</summary>
internal static class DiffInputs
{
    public static ProfileDiff Compare(string basePath, string newPath, string? weight, double falseDiscoveryRate)
    {
        if (falseDiscoveryRate is <= 0 or >= 1 || double.IsNaN(falseDiscoveryRate))
            throw new UsageException("--fdr must be between 0 and 1 (exclusive), e.g. 0.001");
        var baseProfile = FormatRegistry.ReadFile(basePath);
        var newProfile = FormatRegistry.ReadFile(newPath);
        return ProfileDiff.Of(baseProfile, basePath, newProfile, newPath, weight, falseDiscoveryRate);
    }
}
