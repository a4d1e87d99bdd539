namespace Sonde.Remote.CPython.Layouts;

/// <summary>
/// The generated <see cref="PythonLayout"/> of every supported CPython minor version. Each <c>V3_N</c> field
/// lives in its own <c>Layout3_N.g.cs</c>, written by <c>tools/layoutgen/generate.sh</c>.
/// </summary>
public static partial class KnownLayouts
{
    // Assigned in the static constructor, which runs after the field initializers of every partial file;
    // a field initializer here could run before the V3_N fields are set.
    static KnownLayouts()
    {
        All = [V3_8, V3_9, V3_10, V3_11, V3_12, V3_13];
    }

    /// <summary>Every layout, oldest version first.</summary>
    public static IReadOnlyList<PythonLayout> All { get; }

    /// <summary>The layout of CPython <paramref name="major"/>.<paramref name="minor"/>, or null when unsupported.</summary>
    public static PythonLayout? ForVersion(int major, int minor)
    {
        foreach (var layout in All)
        {
            if (layout.Major == major && layout.Minor == minor) return layout;
        }
        return null;
    }
}
