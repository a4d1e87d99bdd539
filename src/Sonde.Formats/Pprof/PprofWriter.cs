using System.IO.Compression;
using Sonde.Profiles;

namespace Sonde.Formats.Pprof;

/// <summary>
/// pprof's profile.proto, gzipped: what <c>go tool pprof</c> and other pprof tools read. Every weight type of
/// the profile is a sample type, each sample carries its thread as <c>thread</c>, <c>thread_id</c> and
/// <c>pid</c> labels, and a location is one frame (one line), so pprof's line granularity works with
/// <see cref="WriteOptions.Lines"/>. The chosen weight becomes the default sample type.
/// </summary>
public sealed class PprofWriter : IProfileWriter
{
    public string FormatName => "pprof";

    public void Write(Profile profile, Stream output, WriteOptions options)
    {
        StackWeights.CheckWeightIndex(profile, options.WeightIndex);
        var message = PprofEncoder.Encode(profile, options);
        using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        gzip.Write(message);
    }
}
