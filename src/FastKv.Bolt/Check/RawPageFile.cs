// A page file seen as raw bytes: where its pages are, what its two metas say and which one a
// reader would use. Every accessor checks bounds first, so damaged or hostile files are safe to
// read. It owns the choice of page size and meta, which the checker, `info` and repair all share.
using System.Runtime.InteropServices;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Check;

public sealed unsafe class RawPageFile : IDisposable
{
    /// <summary>Length of the SHA-256 that `etcdctl snapshot save` appends after the last page.</summary>
    public const int SnapshotTrailerLength = 32;

    private readonly byte* _base;
    private readonly IDisposable? _owner;
    private readonly List<CheckProblem> _openProblems = new();

    public string? Path { get; }
    public long FileLength { get; }
    /// <summary>The bytes that belong to pages: the file without an etcd snapshot trailer.</summary>
    public long DataLength { get; }
    public bool HasSnapshotTrailer { get; }
    public uint PageSize { get; }
    /// <summary>Whole pages present in the file.</summary>
    public ulong PageCount { get; }
    public MetaSlot? Meta0 { get; }
    public MetaSlot? Meta1 { get; }
    /// <summary>The meta a reader would use: the valid one with the higher txid; null when neither is valid.</summary>
    public MetaSlot? Chosen { get; }
    /// <summary>File-level and meta problems found while reading the metas.</summary>
    public IReadOnlyList<CheckProblem> OpenProblems => _openProblems;

    public static RawPageFile Open(string path)
    {
        var mapped = new MappedFile(path);
        try { return new RawPageFile(mapped.Base, mapped.Length, mapped, path); }
        catch { mapped.Dispose(); throw; }
    }

    /// <summary>Wraps memory someone else keeps mapped (an open database); <paramref name="owner"/> is disposed with this view, if given.</summary>
    public RawPageFile(byte* data, long length, IDisposable? owner = null, string? path = null)
    {
        _base = data;
        FileLength = length;
        _owner = owner;
        Path = path;

        const int metaEnd = PageHeader.Size + Meta.Size;
        if (length < metaEnd)
        {
            PageSize = 4096;
            DataLength = length;
            _openProblems.Add(new(null, CheckRules.FileTooSmall,
                $"the file is {length} bytes; a bolt file holds at least two meta pages"));
            _openProblems.Add(new(null, CheckRules.NoValidMeta, "no meta page can be read: this is not a bolt file"));
            return;
        }

        MetaSlot meta0 = ReadMeta(0, 0);
        PageSize = ChoosePageSize(meta0);
        HasSnapshotTrailer = length % PageSize == SnapshotTrailerLength;
        DataLength = HasSnapshotTrailer ? length - SnapshotTrailerLength : length;
        PageCount = (ulong)(DataLength / PageSize);
        Meta0 = meta0;
        if (DataLength >= PageSize + metaEnd)
            Meta1 = ReadMeta(1, PageSize);

        long remainder = DataLength % PageSize;
        if (PageCount < 2)
            _openProblems.Add(new(null, CheckRules.FileTooSmall,
                $"the file is {length} bytes, smaller than the two {PageSize}-byte meta pages every bolt file starts with (truncated?)"));
        else if (remainder != 0)
            _openProblems.Add(new(null, CheckRules.TrailingBytes,
                $"the file ends with {remainder} bytes that do not make a whole {PageSize}-byte page (truncated or appended to)"));

        foreach (var slot in new[] { Meta0, Meta1 })
        {
            if (slot == null) continue;
            if (!slot.IsValid)
            {
                _openProblems.Add(new((ulong)slot.Index, slot.Rule!, slot.Problem!));
                continue;
            }
            // A usable meta in a page whose header says otherwise: harmless to readers, but not what any writer produces.
            if (slot.Header.Id != (ulong)slot.Index)
                _openProblems.Add(new((ulong)slot.Index, CheckRules.PageIdMismatch, $"meta page {slot.Index} has id {slot.Header.Id} in its header"));
            if (slot.Header.Flags != PageFlags.Meta)
                _openProblems.Add(new((ulong)slot.Index, CheckRules.WrongPageType, $"meta page {slot.Index} is marked {slot.Header.TypeName} in its header"));
        }
        if (Meta0 is { IsValid: true } && Meta1 is { IsValid: true } && Meta0.Meta.PageSize != Meta1.Meta.PageSize)
            _openProblems.Add(new(1, CheckRules.MetaPageSizeMismatch,
                $"meta 0 says page size {Meta0.Meta.PageSize} but meta 1 says {Meta1.Meta.PageSize}"));

        Chosen = (Meta0, Meta1) switch
        {
            ({ IsValid: true } a, { IsValid: true } b) => b.Meta.Txid > a.Meta.Txid ? b : a,
            ({ IsValid: true } a, _) => a,
            (_, { IsValid: true } b) => b,
            _ => null,
        };
        if (Chosen == null)
            _openProblems.Add(new(null, CheckRules.NoValidMeta,
                "neither meta page is valid: the file is not a bolt file, or both metas are damaged"));
    }

    private MetaSlot ReadMeta(int index, long offset)
    {
        var header = MemoryMarshal.Read<PageHeader>(Bytes(offset, PageHeader.Size));
        var meta = MemoryMarshal.Read<Meta>(Bytes(offset + PageHeader.Size, Meta.Size));
        return MetaSlot.Inspect(index, header, meta);
    }

    /// <summary>Meta 0 says where meta 1 is; when meta 0 is damaged, look for a valid meta 1 at the usual sizes.</summary>
    private uint ChoosePageSize(MetaSlot meta0)
    {
        if (meta0.IsValid) return meta0.Meta.PageSize;
        foreach (uint candidate in PageSizes.Candidates)
        {
            if (FileLength < candidate + PageHeader.Size + Meta.Size) continue;
            var slot = ReadMeta(1, candidate);
            if (slot.IsValid && slot.Meta.PageSize == candidate) return candidate;
        }
        return PageSizes.IsPlausible(meta0.Meta.PageSize) ? meta0.Meta.PageSize : 4096;
    }

    /// <summary><paramref name="length"/> bytes at <paramref name="offset"/>; the caller has checked they lie within the file.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > FileLength)
            throw new ArgumentOutOfRangeException(nameof(offset), $"bytes [{offset}, {offset + length}) lie outside the {FileLength}-byte file");
        return new ReadOnlySpan<byte>(_base + offset, length);
    }

    /// <summary>The 16-byte header of page <paramref name="pgid"/>, or null when the page is not in the file.</summary>
    public PageHeader? HeaderOf(ulong pgid)
    {
        if (pgid >= PageCount) return null;
        return MemoryMarshal.Read<PageHeader>(Bytes((long)pgid * PageSize, PageHeader.Size));
    }

    /// <summary>
    /// The bytes of page <paramref name="pgid"/> including the overflow pages its header claims.
    /// Returns false, with the rule and reason, when the page or its overflow lies past the file's end.
    /// </summary>
    public bool TryGetPage(ulong pgid, out ReadOnlySpan<byte> page, out PageHeader header, out CheckProblem? problem)
    {
        page = default;
        header = default;
        problem = null;
        if (pgid >= PageCount)
        {
            problem = new(pgid, CheckRules.PageBeyondEof, $"page {pgid} lies past the end of the file ({PageCount} pages)");
            return false;
        }
        header = HeaderOf(pgid)!.Value;
        ulong span = 1UL + header.Overflow;
        if (pgid + span > PageCount)
        {
            problem = new(pgid, CheckRules.OverflowBeyondEof,
                $"page {pgid} claims {header.Overflow} overflow pages, which run past the end of the file ({PageCount} pages)");
            return false;
        }
        if (span * PageSize > int.MaxValue)
        {
            // Spans index with int; bbolt's own limit on a value (2 GiB - 2) keeps real pages below this.
            problem = new(pgid, CheckRules.OverflowBeyondEof,
                $"page {pgid} claims {header.Overflow} overflow pages ({span * PageSize} bytes), more than any key and value can fill");
            return false;
        }
        page = Bytes((long)pgid * PageSize, (int)(span * PageSize));
        return true;
    }

    public void Dispose() => _owner?.Dispose();
}
