using System.Buffers.Binary;
using System.IO.Compression;

namespace Sonde.Web.Tests.Support;

/// <summary>
/// Decodes the PNG screenshots Chromium takes (8-bit RGB or RGBA, not interlaced) far enough to count colours:
/// a blank or failed render has one or two.
/// </summary>
internal static class PngPixels
{
    public static int DistinctColours(byte[] png) => Decode(png).Distinct().Count();

    /// <summary>How many pixels have exactly this colour (0xRRGGBB).</summary>
    public static int CountOf(byte[] png, int rgb) => Decode(png).Count(p => p == rgb);

    /// <summary>The image's width in pixels, from its header; <see cref="Decode"/> gives rows of this many.</summary>
    public static int Width(byte[] png) => BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));

    public static IEnumerable<int> Decode(byte[] png)
    {
        var width = 0;
        var height = 0;
        var channels = 0;
        var compressed = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0) throw new NotSupportedException("only 8-bit, non-interlaced PNGs");
                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {data[9]}") };
            }
            else if (type == "IDAT") compressed.Write(data);
            at += 12 + length;
        }
        compressed.Position = 0;
        using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
        var raw = new MemoryStream();
        inflate.CopyTo(raw);
        var bytes = raw.GetBuffer();
        var stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var pixels = new int[width * height];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            Array.Copy(bytes, y * (stride + 1) + 1, current, 0, stride);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? current[i - channels] : 0, up = previous[i], upLeft = i >= channels ? previous[i - channels] : 0;
                current[i] = (byte)(current[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"PNG filter {filter}"),
                });
            }
            for (var x = 0; x < width; x++)
                pixels[y * width + x] = current[x * channels] << 16 | current[x * channels + 1] << 8 | current[x * channels + 2];
            (previous, current) = (current, previous);
        }
        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
