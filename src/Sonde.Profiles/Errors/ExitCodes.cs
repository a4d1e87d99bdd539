namespace Sonde.Profiles.Errors;

/// <summary>The exit codes scripts can rely on; documented in README.md and docs/cli.md.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int RegressionFound = 1;
    public const int Usage = 2;
    public const int TargetUnreadable = 3;
    public const int BadInput = 4;
    /// <summary>A bug in Sonde itself: anything that is not a <see cref="SondeException"/>.</summary>
    public const int InternalError = 70;
}
