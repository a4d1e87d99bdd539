using Sonde.Testing;

namespace Sonde.Cli.Tests.Support;

/// <summary>
/// Theory data for every expected CPython. Declared here rather than pointing MemberData at PythonInstalls,
/// because xunit's analyzer crashes on a member of another type.
/// </summary>
public static class Pythons
{
    public static TheoryData<string> All => PythonInstalls.Labels;
}
