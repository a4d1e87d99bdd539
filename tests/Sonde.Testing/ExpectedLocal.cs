using System.Text.Json;
using Xunit;

namespace Sonde.Testing;

/// <summary>
/// Checks a local against a fact from locals_showcase.py: [name, type, expected], where expected is the exact text,
/// a prefix ending in "...", or null for an object shown by type only.
/// </summary>
public static class ExpectedLocal
{
    public static void AssertMatches(JsonElement fact, string name, string typeName, string? value)
    {
        Assert.Equal(fact[0].GetString(), name);
        Assert.True(fact[1].GetString() == typeName, $"{name}: type '{typeName}', expected '{fact[1].GetString()}'");
        var expected = fact[2].ValueKind == JsonValueKind.Null ? null : fact[2].GetString();
        if (expected is null) Assert.True(value is null, $"{name}: shown as '{value}', expected only its type");
        else if (expected.EndsWith("...", StringComparison.Ordinal))
            Assert.True(value is not null && value.StartsWith(expected[..^3], StringComparison.Ordinal), $"{name}: '{value}' does not start with '{expected[..^3]}'");
        else Assert.True(expected == value, $"{name}: '{value}', expected '{expected}'");
    }
}
