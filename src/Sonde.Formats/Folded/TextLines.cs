using System.Text;

namespace Sonde.Formats.Folded;

/// <summary>
/// Reads a text stream line by line into one reused buffer, so a reader looks at each line as a span without a
/// string per line. A line longer than the cap is an error rather than an ever-growing buffer.
/// </summary>
internal sealed class TextLines(Stream stream, int maxLineChars)
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
    private char[] _buffer = new char[1 << 16];
    private int _start, _end;
    private bool _endOfStream;

    /// <summary>Lines read so far; the number of the line just returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its line break; valid until the next call.</summary>
    public bool TryRead(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf('\n');
            if (newline >= 0)
            {
                _start += newline + 1;
                line = TrimCarriageReturn(pending[..newline]);
                LineNumber++;
                return true;
            }
            if (_endOfStream)
            {
                _start = _end;
                line = TrimCarriageReturn(pending);
                if (pending.IsEmpty) return false;
                LineNumber++;
                return true;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= maxLineChars)
                throw new InvalidDataException($"line {LineNumber + 1} is longer than {maxLineChars} characters");
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxLineChars));
        }
        var read = _reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _endOfStream = true;
        _end += read;
    }

    private static ReadOnlySpan<char> TrimCarriageReturn(ReadOnlySpan<char> line) => line.EndsWith('\r') ? line[..^1] : line;
}
