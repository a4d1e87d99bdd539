using System.Xml.Linq;
using Sonde.Cli.Tests.Support;
using Sonde.Testing;

namespace Sonde.Cli.Tests.Recording;

/// <summary>A code object whose name holds markup and escape sequences comes out as text, never as markup.</summary>
public sealed class HostileNameTests
{
    // The fixture's name also holds ESC and ';', which XML can't carry and the writers replace.
    private const string Markup = "<script>alert(\"x\")</script>&'";

    [Theory, MemberData(nameof(Pythons.All), MemberType = typeof(Pythons))]
    public void MarkupInAFunctionNameIsEscapedInTheSvg(string python)
    {
        var py = PythonInstalls.Require(python);
        using var temp = new TempDirectory();
        var svg = temp.File("out.svg");
        var result = SondeCli.Run("record", "-o", svg, "--", py.Path!, Repository.Fixture("hostile_names.py"), "1.5");
        Assert.True(result.ExitCode == 0, result.ToString());

        var text = File.ReadAllText(svg);
        Assert.DoesNotContain("<script>alert", text);
        var document = XDocument.Parse(text);
        Assert.Contains(document.Descendants().Select(e => e.Value), v => v.Contains(Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("\u001b[31m", result.StdErr);
    }
}
