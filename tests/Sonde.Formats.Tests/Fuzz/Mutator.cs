using System.Text;

namespace Sonde.Formats.Tests.Fuzz;

/// <summary>
/// Random edits of valid files, the kind that corruption, truncation and hostile editing produce: flipped bits,
/// bytes set to boundary values, inserted, deleted and duplicated runs, splices of two files, and numbers
/// replaced by ones at the limits of their types.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[] _interestingBytes = [0, 1, 0x7F, 0x80, 0xFF, (byte)';', (byte)' ', (byte)'\n', (byte)'"', (byte)'[', (byte)'{', (byte)'-', (byte)'9', (byte)':', (byte)'(', (byte)')'];
    private static readonly uint[] _interestingWords = [0, 1, 0x7F, 0x80, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 64 << 20, (64 << 20) + 1];
    private static readonly string[] _interestingNumbers = ["0", "-1", "1", "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807", "99999999999999999999", "1e308", "-1e308", "1.5", "NaN", "0x10"];

    public Random Random { get; } = new(seed);

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> others)
    {
        var bytes = new List<byte>(input);
        var edits = 1 + Random.Next(4);
        for (var e = 0; e < edits; e++) Edit(bytes, others);
        return [.. bytes];
    }

    private void Edit(List<byte> bytes, IReadOnlyList<byte[]> others)
    {
        var at = bytes.Count == 0 ? 0 : Random.Next(bytes.Count);
        switch (Random.Next(10))
        {
            case 0 when bytes.Count > 0:
                bytes[at] ^= (byte)(1 << Random.Next(8));
                break;
            case 1 when bytes.Count > 0:
                bytes[at] = Random.Next(2) == 0 ? _interestingBytes[Random.Next(_interestingBytes.Length)] : (byte)Random.Next(256);
                break;
            case 2:
                var inserted = new byte[1 + Random.Next(8)];
                Random.NextBytes(inserted);
                bytes.InsertRange(at, inserted);
                break;
            case 3 when bytes.Count > 0:
                bytes.RemoveRange(at, Math.Min(1 + Random.Next(64), bytes.Count - at));
                break;
            case 4 when bytes.Count > 0:
                var length = Math.Min(1 + Random.Next(256), bytes.Count - at);
                var chunk = bytes.GetRange(at, length);
                bytes.InsertRange(Random.Next(bytes.Count), chunk);
                break;
            case 5:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 6 when others.Count > 0:
                var other = others[Random.Next(others.Count)];
                var from = Random.Next(other.Length);
                bytes.RemoveRange(at, bytes.Count - at);
                bytes.AddRange(other.AsSpan(from).ToArray());
                break;
            case 7:
                ReplaceNumber(bytes);
                break;
            case 8 when bytes.Count >= 4:
                var word = _interestingWords[Random.Next(_interestingWords.Length)];
                var position = Random.Next(bytes.Count - 3);
                for (var i = 0; i < 4; i++) bytes[position + i] = (byte)(word >> (8 * i));
                break;
            default:
                // An overlong varint: ten bytes with the continuation bit set.
                bytes.InsertRange(at, Enumerable.Repeat((byte)0xFF, 10));
                break;
        }
    }

    /// <summary>Swaps a run of ASCII digits for a number at a limit, the likeliest way to break a text parser.</summary>
    private void ReplaceNumber(List<byte> bytes)
    {
        var starts = new List<int>();
        for (var i = 0; i < bytes.Count; i++)
            if (bytes[i] is >= (byte)'0' and <= (byte)'9' && (i == 0 || bytes[i - 1] is < (byte)'0' or > (byte)'9')) starts.Add(i);
        if (starts.Count == 0) return;
        var start = starts[Random.Next(starts.Count)];
        var end = start;
        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9') end++;
        bytes.RemoveRange(start, end - start);
        bytes.InsertRange(start, Encoding.ASCII.GetBytes(_interestingNumbers[Random.Next(_interestingNumbers.Length)]));
    }
}
