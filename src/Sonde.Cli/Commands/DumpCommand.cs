using System.CommandLine;
using System.Text.Json;
using Sonde.Cli.CommandLine;
using Sonde.Cli.Console;
using Sonde.Profiles.Errors;
using Sonde.Remote.CPython;
using Sonde.Remote.Sampling;

namespace Sonde.Cli.Commands;

/// <summary>
/// `sonde dump`: every thread's current stack, like a faulthandler traceback taken from outside, and with --locals
/// each frame's local variables.
/// </summary>
internal static class DumpCommand
{
    private const int Attempts = 3;

    public static Command Create(Terminal terminal)
    {
        var pid = CommonOptions.Pid();
        pid.Required = true;
        var json = CommonOptions.Json();
        var subprocesses = new Option<bool>("--subprocesses") { Description = "Also dump every CPython process it started, and theirs" };
        var locals = new Option<bool>("--locals")
        {
            Description = "Also show each frame's local variables: None, bools, numbers, strs and bytes by value, other objects by type",
        };
        var dump = new Command("dump", Examples.Describe(
            "Print the current stack of every thread of a running Python process, without stopping it.",
            "sonde dump -p 4242",
            "sonde dump -p 4242 --locals",
            "sonde dump -p 4242 --json | jq '.threads[].frames[0]'",
            "sonde dump -p 4242 --subprocesses"))
        {
            pid, json, locals, subprocesses,
        };
        dump.SetAction(result => result.GetValue(subprocesses)
            ? RunTree(result.GetValue(pid)!.Value, result.GetValue(json), result.GetValue(locals), terminal)
            : Run(result.GetValue(pid)!.Value, result.GetValue(json), result.GetValue(locals), terminal));
        return dump;
    }

    /// <summary>
    /// --subprocesses: the process and every CPython process below it, one after the other. A descendant that looks
    /// like Python but can't be read is one warning line; other programs among the descendants are skipped.
    /// </summary>
    internal static int RunTree(int pid, bool json, bool locals, Terminal terminal)
    {
        Targets.Subprocesses.RequireProcess(pid);
        var warn = Targets.Subprocesses.Warner(terminal);
        var dumps = new List<(int Pid, PythonTarget Target, List<ThreadDump> Threads)>();
        foreach (var process in ProcFiles.DescendantsOf(pid).Order().Prepend(pid))
        {
            try
            {
                var target = PythonTarget.Attach(process);
                dumps.Add((process, target, TakeSnapshot(target, locals)));
            }
            catch (TargetExitedException)
            {
            }
            catch (TargetException e)
            {
                if (ProcFiles.LooksLikePython(process))
                    warn($"process {process} ({ProcFiles.CommandLine(process)}) looks like Python but can't be read, so it is left out: {e.Message}");
            }
        }
        if (dumps.Count == 0)
            throw new TargetException($"neither process {pid} nor any process it started is a CPython process Sonde can read; pick the PID of a python (see `ps`)");
        if (json)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("processes");
                foreach (var (process, target, threads) in dumps) WriteProcessJson(writer, process, target, threads);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            terminal.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }
        else
        {
            for (var i = 0; i < dumps.Count; i++)
            {
                if (i > 0) terminal.Out.WriteLine();
                WriteText(terminal, dumps[i].Pid, dumps[i].Target, dumps[i].Threads);
            }
        }
        return 0;
    }

    internal static int Run(int pid, bool json, bool locals, Terminal terminal)
    {
        var target = PythonTarget.Attach(pid);
        var snapshot = TakeSnapshot(target, locals);
        if (json) WriteJson(terminal.Out, pid, target, snapshot);
        else WriteText(terminal, pid, target, snapshot);
        return 0;
    }

    /// <summary>One thread's dump. <see cref="Locals"/> is null without --locals; an entry is null for a frame whose locals couldn't be read.</summary>
    private sealed record ThreadDump(
        RemoteThread Thread, string Name, char State, bool HoldsGil, List<RemoteFrame> Frames, bool Complete,
        List<IReadOnlyList<RemoteLocal>?>? Locals, ThreadWait? Wait)
    {
        public bool Active => State == 'R';
    }

    private static List<ThreadDump> TakeSnapshot(PythonTarget target, bool withLocals)
    {
        var interpreter = target.Interpreter;
        var threads = new List<RemoteThread>();
        for (var i = 0; i < Attempts && !interpreter.TryReadThreads(threads); i++) { }
        var gil = interpreter.GilHolder();
        var names = new PythonThreadNames(interpreter);
        names.Observe(threads);
        using var stats = new ThreadStatReader(interpreter.ProcessId);
        var dumps = new List<ThreadDump>();
        foreach (var thread in threads)
        {
            var frames = new List<RemoteFrame>();
            var result = WalkResult.Torn;
            for (var i = 0; i < Attempts && result != WalkResult.Complete; i++)
            {
                frames.Clear();
                result = interpreter.Walk(thread, frames);
            }
            // Read right after the walk, while the frames are most likely still there; each read checks its frame still runs its code.
            var locals = withLocals ? frames.Select(f => interpreter.ReadLocals(f)).ToList() : null;
            var state = stats.TryRead(thread.NativeThreadId, out var s, out _) ? s : '?';
            var wait = state == 'R' ? null : ThreadWaitReader.TryRead(interpreter.ProcessId, thread.NativeThreadId);
            dumps.Add(new ThreadDump(thread, names.NameOf(thread), state, gil != 0 && gil == thread.Address, frames,
                result == WalkResult.Complete, locals, wait));
        }
        return dumps;
    }

    private static void WriteText(Terminal terminal, int pid, PythonTarget target, List<ThreadDump> threads)
    {
        var output = terminal.Out;
        output.WriteLine(terminal.Bold($"Process {pid}: {TerminalText.Escape(Targets.ProcessCommandLine.Read(pid) ?? "?")}"));
        output.WriteLine($"Python {target.Binary.Version} ({TerminalText.Escape(target.Binary.ExecutablePath)})");
        foreach (var thread in threads)
        {
            output.WriteLine();
            var flags = new List<string> { thread.Active ? "active" : "idle" };
            if (thread.Wait is { } wait) flags.Add("blocked in " + wait.Describe());
            if (thread.HoldsGil) flags.Add("holds the GIL");
            if (!thread.Complete) flags.Add("partial stack");
            var tid = thread.Thread.NativeThreadId != 0 ? thread.Thread.NativeThreadId.ToString() : $"0x{thread.Thread.ThreadIdent:x}";
            output.WriteLine(terminal.Bold($"Thread {tid} \"{TerminalText.Escape(thread.Name)}\" ({string.Join(", ", flags)})"));
            for (var i = 0; i < thread.Frames.Count; i++)
            {
                var frame = thread.Frames[i];
                output.WriteLine($"    {TerminalText.Escape(frame.Code.Qualname)} ({TerminalText.Escape(frame.Code.Filename)}:{frame.Line})");
                if (thread.Locals is not null) WriteLocals(terminal, thread.Locals[i]);
            }
            if (thread.Frames.Count == 0) output.WriteLine(terminal.Dim("    (no Python frames)"));
        }
    }

    private static void WriteLocals(Terminal terminal, IReadOnlyList<RemoteLocal>? locals)
    {
        if (locals is null)
        {
            terminal.Out.WriteLine(terminal.Dim("        (locals changed while reading; run again)"));
            return;
        }
        foreach (var local in locals)
            terminal.Out.WriteLine($"        {TerminalText.Escape(local.Name)} = {TerminalText.Escape(local.Value ?? $"<{local.TypeName}>")}");
    }

    private static void WriteJson(TextWriter output, int pid, PythonTarget target, List<ThreadDump> threads)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true })) WriteProcessJson(json, pid, target, threads);
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteProcessJson(Utf8JsonWriter json, int pid, PythonTarget target, List<ThreadDump> threads)
    {
        json.WriteStartObject();
        json.WriteNumber("pid", pid);
        json.WriteString("python_version", target.Binary.Version.ToString());
        json.WriteString("python_executable", target.Binary.ExecutablePath);
        json.WriteStartArray("threads");
        foreach (var thread in threads)
        {
            json.WriteStartObject();
            json.WriteNumber("native_thread_id", thread.Thread.NativeThreadId);
            json.WriteNumber("thread_ident", thread.Thread.ThreadIdent);
            json.WriteString("name", thread.Name);
            json.WriteBoolean("active", thread.Active);
            json.WriteString("state", thread.State.ToString());
            json.WriteBoolean("holds_gil", thread.HoldsGil);
            json.WriteBoolean("complete", thread.Complete);
            WriteWaitJson(json, thread.Wait);
            json.WriteStartArray("frames");
            for (var i = 0; i < thread.Frames.Count; i++)
            {
                var frame = thread.Frames[i];
                json.WriteStartObject();
                json.WriteString("function", frame.Code.Qualname);
                json.WriteString("file", frame.Code.Filename);
                json.WriteNumber("line", frame.Line);
                json.WriteNumber("first_line", frame.Code.FirstLine);
                if (thread.Locals is not null) WriteLocalsJson(json, thread.Locals[i]);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>"blocked": {"syscall", "syscall_number", "wchan", "meaning"} for a thread that waits, null for one that runs.</summary>
    private static void WriteWaitJson(Utf8JsonWriter json, ThreadWait? wait)
    {
        if (wait is null)
        {
            json.WriteNull("blocked");
            return;
        }
        json.WriteStartObject("blocked");
        WriteStringOrNull(json, "syscall", wait.Syscall);
        if (wait.SyscallNumber is { } number) json.WriteNumber("syscall_number", number);
        else json.WriteNull("syscall_number");
        WriteStringOrNull(json, "wchan", wait.Wchan);
        WriteStringOrNull(json, "meaning", wait.Meaning);
        json.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    /// <summary>"locals": [{"name", "type", "value"}], value null for objects shown by type; the array is null when unreadable.</summary>
    private static void WriteLocalsJson(Utf8JsonWriter json, IReadOnlyList<RemoteLocal>? locals)
    {
        if (locals is null)
        {
            json.WriteNull("locals");
            return;
        }
        json.WriteStartArray("locals");
        foreach (var local in locals)
        {
            json.WriteStartObject();
            json.WriteString("name", local.Name);
            json.WriteString("type", local.TypeName);
            if (local.Value is null) json.WriteNull("value");
            else json.WriteString("value", local.Value);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
