using Sonde.Testing;

namespace Sonde.Agent.Tests.Support;

/// <summary>Theory data: every expected CPython (declared here; xunit's analyzer crashes on another assembly's member).</summary>
public static class Pythons
{
    public static TheoryData<string> All => PythonInstalls.Labels;
}
