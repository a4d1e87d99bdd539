using System.Diagnostics;
using System.Reflection;
using Sonde.Remote.CPython.Layouts;
using Sonde.Testing;

namespace Sonde.Remote.Tests.Layouts;

/// <summary>
/// The committed <c>Layout3_N.g.cs</c> files must be exactly what <c>tools/layoutgen/generate.sh</c> writes
/// from the installed headers, and every layout must have the fields its version has (and only those).
/// </summary>
public sealed class GeneratedLayoutsTests(GeneratedLayoutsTests.GeneratorRun run) : IClassFixture<GeneratedLayoutsTests.GeneratorRun>
{
    private const string Regenerate = "tools/layoutgen/generate.sh";
    private const int NoHeadersExitCode = 2;

    public static TheoryData<int> Minors => new(8, 9, 10, 11, 12, 13);

    [Theory]
    [MemberData(nameof(Minors))]
    public void CommittedLayoutMatchesTheGenerator(int minor)
    {
        if (run.SkipReason is not null) Assert.Skip(run.SkipReason);
        if (run.ExitCode == NoHeadersExitCode)
        {
            Assert.Skip(run.StandardError.Split('\n').LastOrDefault(l => l.Length > 0) ?? "no CPython 3.8-3.13 headers are installed");
        }
        Assert.True(run.ExitCode == 0,
            $"{Regenerate} failed with exit code {run.ExitCode}:\n{run.StandardError}\n{run.StandardOutput}");

        var fileName = $"Layout3_{minor}.g.cs";
        var generatedPath = Path.Combine(run.OutputDirectory, fileName);
        if (!File.Exists(generatedPath))
        {
            var reason = run.StandardError.Split('\n').FirstOrDefault(l => l.Contains($"skipping 3.{minor}:")) ?? run.StandardError.Trim();
            Assert.Skip($"CPython 3.{minor} headers are not installed, so {fileName} was not regenerated ({reason})");
        }

        var committedPath = Path.Combine(run.RepoRoot, "src", "Sonde.Remote", "CPython", "Layouts", fileName);
        Assert.True(File.Exists(committedPath), $"{committedPath} is not committed; run {Regenerate}");

        var generated = File.ReadAllBytes(generatedPath);
        var committed = File.ReadAllBytes(committedPath);
        if (!generated.AsSpan().SequenceEqual(committed))
        {
            Assert.Fail($"{fileName} differs from what the generator writes from the installed CPython 3.{minor} headers; " +
                $"regenerate it with `{Regenerate}` and commit the result.\n{FirstDifference(committed, generated)}");
        }
    }

    [Fact]
    public void AllHoldsEverySupportedVersionInOrder()
    {
        Assert.Equal([8, 9, 10, 11, 12, 13], KnownLayouts.All.Select(l => l.Minor));
        Assert.All(KnownLayouts.All, l => Assert.Equal(3, l.Major));
        Assert.Same(KnownLayouts.V3_11, KnownLayouts.ForVersion(3, 11));
        Assert.Null(KnownLayouts.ForVersion(3, 7));
        Assert.Null(KnownLayouts.ForVersion(3, 14));
        Assert.Null(KnownLayouts.ForVersion(2, 7));
    }

    /// <summary>
    /// The versions in which each field exists; a property not listed exists in every version 3.8-3.13.
    /// A field must be &gt;= 0 in those versions and -1 in all others.
    /// </summary>
    private static readonly Dictionary<string, (int From, int To)> _present = new()
    {
        ["RuntimeTstateCurrent"] = (8, 11),
        ["RuntimeGilLastHolder"] = (8, 11),
        ["RuntimeGilLocked"] = (8, 11),
        ["InterpGilPointer"] = (12, 13),
        ["GilLastHolder"] = (12, 13),
        ["GilLocked"] = (12, 13),
        ["TstateFrame"] = (8, 10),
        ["TstateCframe"] = (11, 12),
        ["CframeCurrentFrame"] = (11, 12),
        ["TstateCurrentFrame"] = (13, 13),
        ["TstateNativeThreadId"] = (11, 13),
        ["TstateDatastackChunk"] = (11, 13),
        ["StackChunkPrevious"] = (11, 13),
        ["StackChunkSize"] = (11, 13),
        ["StackChunkTop"] = (11, 13),
        ["StackChunkData"] = (11, 13),
        ["FrameBack"] = (8, 10),
        ["FrameCode"] = (8, 10),
        ["FrameGlobals"] = (8, 10),
        ["FrameLasti"] = (8, 10),
        ["FrameExecuting"] = (8, 9),
        ["FrameState"] = (10, 10),
        ["GenIFrame"] = (11, 13),
        ["GenFrameState"] = (11, 13),
        ["FrameStateExecuting"] = (11, 13),
        ["FrameLineno"] = (8, 10),
        ["FrameLocalsPlus"] = (8, 10),
        ["IFrameCode"] = (11, 13),
        ["IFrameGlobals"] = (11, 13),
        ["IFramePrevious"] = (11, 13),
        ["IFrameInstrPtr"] = (11, 13),
        ["IFrameOwner"] = (11, 13),
        ["IFrameIsEntry"] = (11, 11),
        ["IFrameLocalsPlus"] = (11, 13),
        ["IFrameSize"] = (11, 13),
        ["FrameOwnedByThread"] = (11, 13),
        ["FrameOwnedByGenerator"] = (11, 13),
        ["FrameOwnedByFrameObject"] = (11, 13),
        ["FrameOwnedByCStack"] = (12, 13),
        ["CodeQualname"] = (11, 13),
        ["CodeLnotab"] = (8, 9),
        ["CodeLinetable"] = (10, 13),
        ["CodeCode"] = (8, 10),
        ["CodeCodeAdaptive"] = (11, 13),
        ["CodeVarnames"] = (8, 10),
        ["CodeLocalsPlusNames"] = (11, 13),
        ["CodeNLocalsPlus"] = (11, 13),
        ["LongTag"] = (12, 13),
        ["CodeLocalsPlusKinds"] = (11, 13),
        ["CoFastLocal"] = (11, 13),
        ["CoFastCell"] = (11, 13),
        ["CoFastHidden"] = (12, 13),
        ["TpFlagsManagedDict"] = (11, 13),
        ["TpFlagsInlineValues"] = (13, 13),
        ["ObjectManagedDictBefore"] = (11, 13),
        ["ObjectManagedValuesBefore"] = (11, 11),
        ["DictOrValuesTag"] = (12, 12),
        ["ObjectInlineValues"] = (13, 13),
        ["LongNonSizeBits"] = (12, 13),
        ["LongSignMask"] = (12, 13),
        ["LongSignNegative"] = (12, 13),
        ["DictValuesCapacity"] = (13, 13),
        ["DictValuesValid"] = (13, 13),
        ["DictKeysSize"] = (8, 10),
        ["DictKeysLog2Size"] = (11, 13),
        ["DictKeysLog2IndexBytes"] = (11, 13),
        ["DictKeysKind"] = (11, 13),
        ["DictKindGeneral"] = (11, 13),
        ["DictKindUnicode"] = (11, 13),
        ["DictKindSplit"] = (11, 13),
        ["DictUnicodeEntrySize"] = (11, 13),
        ["DictUnicodeEntryKey"] = (11, 13),
        ["DictUnicodeEntryValue"] = (11, 13),
        ["TstateHoldsGilByte"] = (13, 13),
        ["TstateHoldsGilMask"] = (13, 13),
        ["DebugOffsetsVersion"] = (13, 13),
        ["DebugRuntimeInterpretersHead"] = (13, 13),
        ["DebugInterpThreadsHead"] = (13, 13),
        ["DebugTstateCurrentFrame"] = (13, 13),
        ["DebugTstateNativeThreadId"] = (13, 13),
        ["DebugIFramePrevious"] = (13, 13),
        ["DebugIFrameCode"] = (13, 13),
        ["DebugIFrameInstrPtr"] = (13, 13),
        ["DebugCodeFilename"] = (13, 13),
        ["DebugCodeQualname"] = (13, 13),
        ["DebugCodeLinetable"] = (13, 13),
        ["DebugCodeFirstLineNo"] = (13, 13),
    };

    [Theory]
    [MemberData(nameof(Minors))]
    public void EachFieldExistsExactlyInItsVersions(int minor)
    {
        var layout = KnownLayouts.ForVersion(3, minor);
        Assert.NotNull(layout);

        var properties = typeof(PythonLayout).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(int))
            .ToList();
        foreach (var name in _present.Keys) Assert.Contains(properties, p => p.Name == name);

        var wrong = new List<string>();
        foreach (var property in properties)
        {
            var value = (int)property.GetValue(layout)!;
            var (from, to) = _present.TryGetValue(property.Name, out var range) ? range : (8, 13);
            var exists = minor >= from && minor <= to;
            if (exists && value < 0) wrong.Add($"{property.Name} = {value}, but 3.{minor} has this field");
            if (!exists && value != -1) wrong.Add($"{property.Name} = {value}, but 3.{minor} lacks this field (expected -1)");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory]
    [MemberData(nameof(Minors))]
    public void KnownConstantsHold(int minor)
    {
        var layout = KnownLayouts.ForVersion(3, minor)!;
        Assert.Equal(minor, layout.Minor);
        // 64-bit builds: ob_refcnt then ob_type; ob_size follows.
        Assert.Equal(8, layout.ObjectType);
        Assert.Equal(16, layout.VarObjectSize);
        Assert.Contains(layout.LongDigitBits, new[] { 15, 30 });
        // state: interned (2 bits), kind (3 bits), compact, ascii.
        Assert.Equal(2, layout.UnicodeKindShift);
        Assert.Equal(5, layout.UnicodeCompactBit);
        Assert.Equal(6, layout.UnicodeAsciiBit);
        if (minor >= 11)
        {
            Assert.Equal(0, layout.FrameOwnedByThread);
            Assert.True(layout.IFrameLocalsPlus < layout.IFrameSize);
            Assert.True(layout.StackChunkData > layout.StackChunkTop);
        }
        if (minor >= 13)
        {
            // _Py_DebugOffsets starts with char cookie[8], then uint64_t version.
            Assert.Equal(8, layout.DebugOffsetsVersion);
        }
    }

    /// <summary>
    /// Each installed interpreter follows its committed layout through its own memory (tools/layoutgen/verify.py):
    /// this catches a field the probe picked wrongly, which offsetof alone cannot.
    /// </summary>
    public static TheoryData<string> Interpreters => PythonInstalls.Labels;

    [Theory]
    [MemberData(nameof(Interpreters))]
    public async Task RunningInterpreterAgreesWithItsLayout(string label)
    {
        var install = PythonInstalls.Require(label);
        var layoutFile = Path.Combine(run.RepoRoot, "src", "Sonde.Remote", "CPython", "Layouts", $"Layout3_{install.Minor}.g.cs");
        var start = new ProcessStartInfo(install.Path!)
        {
            ArgumentList = { Path.Combine(run.RepoRoot, "tools", "layoutgen", "verify.py"), layoutFile },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {install.Path}");
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0 && output.Trim() == "ok",
            $"{install.Path} disagrees with {Path.GetFileName(layoutFile)} (exit {process.ExitCode}):\n{output}");
    }

    private static string FirstDifference(byte[] committed, byte[] generated)
    {
        var committedLines = System.Text.Encoding.UTF8.GetString(committed).Split('\n');
        var generatedLines = System.Text.Encoding.UTF8.GetString(generated).Split('\n');
        for (var i = 0; i < Math.Max(committedLines.Length, generatedLines.Length); i++)
        {
            var c = i < committedLines.Length ? committedLines[i] : "<end of file>";
            var g = i < generatedLines.Length ? generatedLines[i] : "<end of file>";
            if (c != g) return $"first difference at line {i + 1}:\n  committed: {c}\n  generated: {g}";
        }
        return "the files differ only in line endings or encoding";
    }

    /// <summary>Runs the generator once into a temporary directory for all the rows, and deletes it afterwards.</summary>
    public sealed class GeneratorRun : IDisposable
    {
        public GeneratorRun()
        {
            RepoRoot = FindRepoRoot();
            OutputDirectory = Path.Combine(Path.GetTempPath(), "sonde-layoutgen-" + Guid.NewGuid().ToString("N"));
            var cc = Environment.GetEnvironmentVariable("CC") ?? "gcc";
            foreach (var tool in new[] { "bash", cc })
            {
                if (FindOnPath(tool) is null)
                {
                    SkipReason = $"'{tool}' is not on PATH, so {Regenerate} cannot run here";
                    return;
                }
            }

            Directory.CreateDirectory(OutputDirectory);
            var start = new ProcessStartInfo("bash")
            {
                ArgumentList = { Path.Combine(RepoRoot, "tools", "layoutgen", "generate.sh"), OutputDirectory },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepoRoot,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{Regenerate} did not finish within 2 minutes");
            }
            ExitCode = process.ExitCode;
            StandardOutput = stdout.Result;
            StandardError = stderr.Result;
        }

        public string RepoRoot { get; }
        public string OutputDirectory { get; }
        public int ExitCode { get; } = -1;
        public string StandardOutput { get; } = "";
        public string StandardError { get; } = "";
        /// <summary>Why the generator could not run on this machine, or null when it ran.</summary>
        public string? SkipReason { get; }

        public void Dispose()
        {
            if (Directory.Exists(OutputDirectory)) Directory.Delete(OutputDirectory, recursive: true);
        }

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "tools", "layoutgen", "generate.sh"))) return dir.FullName;
            }
            throw new InvalidOperationException($"no tools/layoutgen/generate.sh above {AppContext.BaseDirectory}");
        }

        private static string? FindOnPath(string tool)
        {
            if (tool.Contains('/')) return File.Exists(tool) ? tool : null;
            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, tool))
                .FirstOrDefault(File.Exists);
        }
    }
}
