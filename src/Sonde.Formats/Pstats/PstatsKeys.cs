using Sonde.Profiles;

namespace Sonde.Formats.Pstats;

/// <summary>
/// How a function is named in pstats: <c>(file, first line, name)</c>, and <c>('~', 0, name)</c> for built-in
/// (C) functions, which the model holds as native frames without a file.
/// </summary>
internal static class PstatsKeys
{
    public const string BuiltinFile = "~";

    public static FunctionKey ToFunctionKey(string file, int line, string name) =>
        file == BuiltinFile && line == 0
            ? new FunctionKey(name, "", 0, FrameKind.Native)
            : new FunctionKey(name, file, line);

    /// <summary>The tuple's parts. Pseudo-frames (threads, unreadable parts) are written like built-ins.</summary>
    public static (string File, int Line, string Name) FromFunctionKey(FunctionKey key) =>
        key.Kind != FrameKind.Python && key.File.Length == 0
            ? (BuiltinFile, 0, key.Function)
            : (key.File, key.FirstLine, key.Function);
}
