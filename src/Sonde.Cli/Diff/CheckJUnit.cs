using System.Globalization;
using System.Text;
using System.Xml;
using Sonde.Profiles.Diff;

namespace Sonde.Cli.Diff;

/// <summary>
/// `sonde check --junit`: JUnit XML, which CI servers show as test results. One test case per gated value, failed
/// when it regressed. Names from the profile go through XmlWriter, which escapes markup; characters XML can't carry
/// at all become U+FFFD first.
/// </summary>
internal static class CheckJUnit
{
    public static void Write(Stream stream, CheckReport report)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" };
        using var xml = XmlWriter.Create(stream, settings);
        var measure = report.Diff.Measure;
        var tests = report.Items.Count.ToString(CultureInfo.InvariantCulture);
        var failures = report.Regressions.Count.ToString(CultureInfo.InvariantCulture);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "sonde check");
        xml.WriteAttributeString("tests", tests);
        xml.WriteAttributeString("failures", failures);
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", Safe($"sonde check {report.Diff.New.Name} against {report.Diff.Base.Name}"));
        xml.WriteAttributeString("tests", tests);
        xml.WriteAttributeString("failures", failures);
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", "0");
        xml.WriteStartElement("properties");
        WriteProperty(xml, "rule", report.Rule);
        WriteProperty(xml, "gated", report.Scope);
        WriteProperty(xml, "whole run", DiffValues.Movement(report.Diff.Run, measure));
        xml.WriteEndElement();
        foreach (var item in report.Items)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", $"sonde.check.{item.Value.ToString().ToLowerInvariant()}");
            xml.WriteAttributeString("name", Safe(report.Name(item)));
            var detail = $"{DiffValues.ValueName(item.Value, measure)} {DiffValues.Movement(item.Change, measure)}, {DiffValues.SignificanceWithQ(item.Change)}";
            if (item.Verdict == CheckVerdict.Regressed)
            {
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("type", "regression");
                xml.WriteAttributeString("message", $"{detail}; allowed {DiffValues.Percent(report.Rules.MaxRegressionPercent)}");
                xml.WriteEndElement();
            }
            else
            {
                xml.WriteElementString("system-out", item.Verdict == CheckVerdict.NotSignificant ? detail + " (within sampling error)" : detail);
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteProperty(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", Safe(value));
        xml.WriteEndElement();
    }

    /// <summary>Replaces what XML 1.0 can't carry (most control characters, lone surrogates) with U+FFFD.</summary>
    private static string Safe(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
                continue;
            }
            builder.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
        }
        return builder.ToString();
    }
}
