using System.Text;

namespace Sonde.Remote.CPython.Objects;

/// <summary>
/// An ASCII name to look up in remote dicts (a module, a global, an attribute). Keys are compared by content; the
/// first match teaches the key its hash in the target (str hashes are salted per process), and later scans skip any
/// entry whose hash differs without reading its key. Keep one per name per target.
/// </summary>
internal sealed class StrKey
{
    public StrKey(string text)
    {
        if (text.Length == 0 || !Ascii.IsValid(text)) throw new ArgumentException("lookup keys must be non-empty ASCII", nameof(text));
        Text = text;
        Bytes = Encoding.ASCII.GetBytes(text);
    }

    public string Text { get; }
    public byte[] Bytes { get; }

    /// <summary>The key's hash in the target, once learned; null before.</summary>
    public long? Hash { get; set; }

    public override string ToString() => Text;
}
