using System.Text.Json;
using Sonde.Remote.CPython;
using Sonde.Remote.CPython.Objects;
using Sonde.Remote.Memory;
using Sonde.Testing;

namespace Sonde.Remote.Tests.CPython;

/// <summary>Dict lookups in a live interpreter: the first by scanning, later ones by CPython's own probe sequence.</summary>
public sealed class RemoteDictsTests
{
    public static TheoryData<string> Pythons => PythonInstalls.Labels;

    private const string Script = """
        import json, sys, time, threading
        for i in range(3000):
            sys.modules["sonde_padding_%d" % i] = None
        sys.modules["threading"] = sys.modules.pop("threading")
        absent = "".join(["not_", "imported"])
        hashes = {name: hash(name) for name in sys.modules if name.isascii()}
        print(json.dumps({"threading": hash("threading"), "absent": hash(absent), "all": hashes}), flush=True)
        time.sleep(60)
        """;

    [Theory, MemberData(nameof(Pythons))]
    public void ScanningAndProbingFindTheSameEntry(string label)
    {
        var py = PythonInstalls.Require(label);
        using var target = TargetProcess.Start(py.Path!, ["-c", Script], waitForLine: true);
        using var facts = JsonDocument.Parse(target.FirstLine!);
        var hashes = new Dictionary<string, long>
        {
            ["threading"] = facts.RootElement.GetProperty("threading").GetInt64(),
            ["absent"] = facts.RootElement.GetProperty("absent").GetInt64(),
        };
        var attached = PythonTarget.Attach(target.Id);
        var layout = attached.Interpreter.Layout;
        var memory = new ProcessVmMemory(target.Id);
        var objects = new RemoteObjects(memory, layout);
        var types = new RemoteTypes(objects, attached.Binary.Builtins);
        var dicts = new RemoteDicts(objects, types);
        var attributes = new RemoteAttributes(objects, types, dicts);

        Assert.True(memory.TryReadPointer(attached.Interpreter.MainInterpreter() + (ulong)layout.InterpModules, out var modules));
        Assert.True(dicts.TryOpen(modules, out var keys, out var values));
        Assert.True(keys.Count > 3000);

        var threading = new StrKey("threading");
        var scanned = dicts.IndexOf(keys, threading);
        Assert.True(scanned >= 0);
        Assert.Equal(hashes["threading"], threading.Hash);
        Assert.True(dicts.TryProbe(keys, threading, hashes["threading"], out var probed));
        Assert.Equal(scanned, probed);
        var module = dicts.ValueAt(keys, values, probed);
        Assert.Equal("module", objects.TypeNameOf(module));
        Assert.Equal("threading", objects.ReadString(attributes.Find(module, new StrKey("__name__"))));

        // Every module name, thousands of keys in a table where many collide, is found by its hash alone.
        var notFound = new List<string>();
        foreach (var name in facts.RootElement.GetProperty("all").EnumerateObject())
        {
            var key = new StrKey(name.Name);
            if (!dicts.TryProbe(keys, key, name.Value.GetInt64(), out var index) || index < 0) notFound.Add(name.Name);
        }
        Assert.True(notFound.Count == 0, $"{notFound.Count} keys not found by probing, e.g. {string.Join(", ", notFound.Take(5))}");

        var absent = new StrKey("not_imported");
        Assert.True(dicts.TryProbe(keys, absent, hashes["absent"], out var missing));
        Assert.Equal(-1, missing);
        Assert.Equal(-1, dicts.IndexOf(keys, absent));
    }
}
