namespace Sonde.Testing;

/// <summary>One CPython the integration tests run under; <see cref="Path"/> is null when it is absent.</summary>
public sealed record PythonInstall(string Label, int Minor, string? Path)
{
    public string Version => $"3.{Minor}";

    public override string ToString() => Label;
}
