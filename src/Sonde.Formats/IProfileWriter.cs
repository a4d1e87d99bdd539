using Sonde.Profiles;

namespace Sonde.Formats;

/// <summary>Writes a <see cref="Profile"/> in one file format. Writers are stateless and leave the stream open.</summary>
public interface IProfileWriter
{
    /// <summary>The name <c>-f</c> selects the format by, e.g. <c>folded</c>.</summary>
    string FormatName { get; }

    /// <summary>Whether the format shows <see cref="WriteOptions.ThreadRoots"/> as frames; those that keep threads apart otherwise don't.</summary>
    bool DrawsThreadRoots => true;

    void Write(Profile profile, Stream output, WriteOptions options);
}
