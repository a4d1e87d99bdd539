using Sonde.Profiles;

namespace Sonde.Formats.Native;

/// <summary>
/// Writes a whole profile as a <c>.sonde</c> file, through the same code as a streamed recording. The file keeps
/// everything in the model, so the options (which only shape the views other formats take) don't apply.
/// </summary>
public sealed class NativeWriter : IProfileWriter
{
    public string FormatName => "sonde";

    public bool DrawsThreadRoots => false;

    public void Write(Profile profile, Stream output, WriteOptions options) => new NativeStreamWriter(output).Complete(profile);
}
