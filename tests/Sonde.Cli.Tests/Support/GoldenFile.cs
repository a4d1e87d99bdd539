using System.Text;

namespace Sonde.Cli.Tests.Support;

/// <summary>
/// Compares output with a checked-in file under tests/Sonde.Cli.Tests/Golden. When they differ the failure
/// shows a line diff and how to regenerate; with SONDE_UPDATE_GOLDEN=1 the files are rewritten instead.
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "SONDE_UPDATE_GOLDEN";

    public static readonly string Directory = Path.Combine(Repository.Root, "tests", "Sonde.Cli.Tests", "Golden");

    public static void AssertMatches(string name, string actual)
    {
        var path = Path.Combine(Directory, name);
        actual = actual.ReplaceLineEndings("\n");
        var regenerate = $"to accept the new output, run: {UpdateVariable}=1 dotnet test tests/Sonde.Cli.Tests --filter \"FullyQualifiedName~Golden\" and review the change with git diff";
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }
        if (!File.Exists(path)) Assert.Fail($"golden file {path} does not exist; {regenerate}\n--- actual output:\n{actual}");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected == actual) return;
        Assert.Fail($"output differs from {path} (- golden, + actual):\n{Diff(expected.Split('\n'), actual.Split('\n'))}\n{regenerate}");
    }

    /// <summary>A line diff from the longest common subsequence; reports are short, so quadratic is fine.</summary>
    private static string Diff(string[] expected, string[] actual)
    {
        var common = new int[expected.Length + 1, actual.Length + 1];
        for (var i = expected.Length - 1; i >= 0; i--)
            for (var j = actual.Length - 1; j >= 0; j--)
                common[i, j] = expected[i] == actual[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        var diff = new StringBuilder();
        int e = 0, a = 0;
        while (e < expected.Length || a < actual.Length)
        {
            if (e < expected.Length && a < actual.Length && expected[e] == actual[a])
            {
                diff.Append("  ").AppendLine(expected[e]);
                e++;
                a++;
            }
            else if (a < actual.Length && (e == expected.Length || common[e, a + 1] >= common[e + 1, a]))
                diff.Append("+ ").AppendLine(actual[a++]);
            else
                diff.Append("- ").AppendLine(expected[e++]);
        }
        return diff.ToString();
    }
}
