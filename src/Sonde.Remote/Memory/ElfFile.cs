using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Sonde.Remote.Memory;

/// <summary>
/// Reads the parts of an ELF64 little-endian file a profiler needs: segments, sections and symbols. Headers
/// are read on open; symbol tables only when first searched, so opening a large static binary is cheap.
/// Every offset and size is checked against the file, so a corrupt file gives an <see cref="ElfFormatException"/>.
/// </summary>
public sealed class ElfFile : IDisposable
{
    private const int FileHeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;
    private const ushort SectionIndexUndefined = 0;
    private const ushort SectionIndexExtended = 0xffff;

    private readonly SafeFileHandle _handle;
    private readonly long _length;
    private readonly Lock _lock = new();
    private SymbolTable? _dynamicSymbols;
    private SymbolTable? _staticSymbols;
    private bool _dynamicLoaded;
    private bool _staticLoaded;

    private ElfFile(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
        _length = RandomAccess.GetLength(handle);

        Span<byte> header = stackalloc byte[FileHeaderSize];
        if (_length < FileHeaderSize) throw Bad("shorter than an ELF header");
        ReadExactly(0, header);
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
        {
            throw Bad("no ELF magic number");
        }
        if (header[4] != 2) throw Bad("not a 64-bit ELF file");
        if (header[5] != 1) throw Bad("not a little-endian ELF file");

        FileType = (ElfFileType)BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        Machine = BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
        var programOffset = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        var sectionOffset = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
        var programEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[54..]);
        var programCount = BinaryPrimitives.ReadUInt16LittleEndian(header[56..]);
        var sectionEntrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[58..]);
        uint sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(header[60..]);
        uint namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(header[62..]);

        ProgramHeaders = ReadProgramHeaders(programOffset, programEntrySize, programCount);
        Sections = ReadSections(sectionOffset, sectionEntrySize, sectionCount, namesIndex);
    }

    public string Path { get; }

    public ElfFileType FileType { get; }

    /// <summary><c>e_machine</c>: 62 for x86-64, 183 for aarch64.</summary>
    public ushort Machine { get; }

    public IReadOnlyList<ElfProgramHeader> ProgramHeaders { get; }

    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>Opens <paramref name="path"/> and reads its headers; the file stays open until disposed.</summary>
    public static ElfFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            return new ElfFile(path, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public bool TryGetSection(string name, out ElfSection section)
    {
        foreach (var candidate in Sections)
        {
            if (candidate.Name == name)
            {
                section = candidate;
                return true;
            }
        }
        section = default;
        return false;
    }

    /// <summary>
    /// Finds a defined symbol by exact name, in <c>.dynsym</c> first (what a stripped binary still has), then in
    /// <c>.symtab</c>.
    /// </summary>
    public bool TryGetSymbol(string name, out ElfSymbol symbol)
    {
        var key = Encoding.UTF8.GetBytes(name);
        lock (_lock)
        {
            if (!_dynamicLoaded)
            {
                _dynamicSymbols = LoadSymbols(ElfSection.TypeDynamicSymbols);
                _dynamicLoaded = true;
            }
            if (_dynamicSymbols?.TryFind(key, name, out symbol) == true) return true;
            if (!_staticLoaded)
            {
                _staticSymbols = LoadSymbols(ElfSection.TypeSymbolTable);
                _staticLoaded = true;
            }
            if (_staticSymbols?.TryFind(key, name, out symbol) == true) return true;
        }
        symbol = default;
        return false;
    }

    /// <summary>
    /// Works out how far from its link-time addresses the file was loaded, given the target's regions that map
    /// this file: the region holding the lowest loadable segment starts at that segment's page plus the bias.
    /// A position-dependent executable always has bias 0.
    /// </summary>
    public bool TryGetLoadBias(IEnumerable<MemoryRegion> regionsOfThisFile, out ulong bias)
    {
        bias = 0;
        if (FileType == ElfFileType.Executable) return true;

        ElfProgramHeader? first = null;
        foreach (var header in ProgramHeaders)
        {
            if (header.IsLoad && (first is null || header.Offset < first.Value.Offset)) first = header;
        }
        if (first is null) return false;

        var pageMask = ~((ulong)Environment.SystemPageSize - 1);
        var fileOffset = first.Value.Offset & pageMask;
        MemoryRegion? match = null;
        foreach (var region in regionsOfThisFile)
        {
            if (region.Offset == fileOffset && (match is null || region.Start < match.Start)) match = region;
        }
        if (match is null) return false;
        bias = match.Start - (first.Value.VirtualAddress & pageMask);
        return true;
    }

    public void Dispose() => _handle.Dispose();

    private ElfProgramHeader[] ReadProgramHeaders(ulong offset, ushort entrySize, ushort count)
    {
        if (count == 0) return [];
        if (entrySize < ProgramHeaderSize) throw Bad($"program header entries of {entrySize} bytes");
        var bytes = ReadRange(offset, (ulong)entrySize * count, "program headers");
        var headers = new ElfProgramHeader[count];
        for (var i = 0; i < count; i++)
        {
            var entry = bytes.AsSpan(i * entrySize, ProgramHeaderSize);
            headers[i] = new ElfProgramHeader(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(entry),
                Flags: BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                Offset: BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                VirtualAddress: BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
                FileSize: BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
                MemorySize: BinaryPrimitives.ReadUInt64LittleEndian(entry[40..]),
                Align: BinaryPrimitives.ReadUInt64LittleEndian(entry[48..]));
        }
        return headers;
    }

    private ElfSection[] ReadSections(ulong offset, ushort entrySize, uint count, uint namesIndex)
    {
        if (offset == 0) return [];
        if (entrySize < SectionHeaderSize) throw Bad($"section header entries of {entrySize} bytes");

        // With 0xff00 or more sections the real count and name-table index live in section 0.
        Span<byte> zero = stackalloc byte[SectionHeaderSize];
        ReadExactly(offset, zero, "section headers");
        if (count == 0) count = checked((uint)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(zero[32..]), uint.MaxValue));
        if (namesIndex == SectionIndexExtended) namesIndex = BinaryPrimitives.ReadUInt32LittleEndian(zero[40..]);
        if (count == 0) return [];
        if (count > 1_000_000) throw Bad($"{count} sections");

        var bytes = ReadRange(offset, (ulong)entrySize * count, "section headers");
        var raw = new (uint Name, ElfSection Section)[count];
        for (var i = 0; i < count; i++)
        {
            var entry = bytes.AsSpan(i * entrySize, SectionHeaderSize);
            raw[i] = (BinaryPrimitives.ReadUInt32LittleEndian(entry), new ElfSection(
                Name: "",
                Type: BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                Flags: BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                Address: BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
                Offset: BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]),
                Size: BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
                Link: BinaryPrimitives.ReadUInt32LittleEndian(entry[40..]),
                EntrySize: BinaryPrimitives.ReadUInt64LittleEndian(entry[56..])));
        }

        byte[] names = [];
        if (namesIndex != SectionIndexUndefined)
        {
            if (namesIndex >= count) throw Bad($"section name table index {namesIndex} of {count} sections");
            var table = raw[namesIndex].Section;
            names = ReadRange(table.Offset, table.Size, "section name table");
        }
        var sections = new ElfSection[count];
        for (var i = 0; i < count; i++)
        {
            sections[i] = raw[i].Section with { Name = ReadString(names, raw[i].Name) ?? "" };
        }
        return sections;
    }

    private SymbolTable? LoadSymbols(uint type)
    {
        ElfSection? found = null;
        foreach (var section in Sections)
        {
            if (section.Type == type)
            {
                found = section;
                break;
            }
        }
        if (found is not { } table) return null;
        if (table.EntrySize != SymbolSize) throw Bad($"{table.Name} has {table.EntrySize}-byte entries");
        if (table.Link >= Sections.Count || Sections[(int)table.Link].Type != ElfSection.TypeStringTable)
        {
            throw Bad($"{table.Name} does not link to a string table");
        }
        var strings = Sections[(int)table.Link];
        return new SymbolTable(
            ReadRange(table.Offset, table.Size - table.Size % SymbolSize, table.Name),
            ReadRange(strings.Offset, strings.Size, strings.Name));
    }

    private byte[] ReadRange(ulong offset, ulong size, string what)
    {
        if (size == 0) return [];
        if (size > (ulong)Array.MaxLength || offset > (ulong)_length || size > (ulong)_length - offset)
        {
            throw Bad($"{what} at offset {offset} ({size} bytes) run past the end of the file ({_length} bytes)");
        }
        var bytes = new byte[size];
        ReadExactly(offset, bytes, what);
        return bytes;
    }

    private void ReadExactly(ulong offset, Span<byte> destination, string what = "header")
    {
        if (offset > (ulong)_length || (ulong)destination.Length > (ulong)_length - offset)
        {
            throw Bad($"{what} at offset {offset} run past the end of the file");
        }
        var done = 0;
        while (done < destination.Length)
        {
            var read = RandomAccess.Read(_handle, destination[done..], (long)offset + done);
            if (read <= 0) throw Bad($"{what} at offset {offset}: the file is shorter than it says");
            done += read;
        }
    }

    private static string? ReadString(byte[] table, uint offset)
    {
        if (offset >= table.Length) return null;
        var rest = table.AsSpan((int)offset);
        var end = rest.IndexOf((byte)0);
        return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }

    private ElfFormatException Bad(string reason) => new(Path, reason);

    /// <summary>The raw bytes of one symbol table and its strings, searched without allocating per entry.</summary>
    private sealed class SymbolTable(byte[] symbols, byte[] strings)
    {
        public bool TryFind(byte[] key, string name, out ElfSymbol symbol)
        {
            var stringSpan = strings.AsSpan();
            for (var at = 0; at + SymbolSize <= symbols.Length; at += SymbolSize)
            {
                var entry = symbols.AsSpan(at, SymbolSize);
                var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(entry);
                if (nameOffset == 0 || (ulong)nameOffset + (ulong)key.Length >= (ulong)stringSpan.Length) continue;
                var candidate = stringSpan.Slice((int)nameOffset, key.Length + 1);
                if (candidate[key.Length] != 0 || !candidate[..key.Length].SequenceEqual(key)) continue;

                var sectionIndex = BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]);
                if (sectionIndex == SectionIndexUndefined) continue; // an import, not the definition
                symbol = new ElfSymbol(
                    name,
                    Value: BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                    Size: BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
                    Type: (byte)(entry[4] & 0xf),
                    SectionIndex: sectionIndex);
                return true;
            }
            symbol = default;
            return false;
        }
    }
}
