// A transaction: a read-only snapshot (any number at once) or the single writer. A reader holds
// the meta and the mapping it started with, so it sees one consistent tree while commits go on.
// The writer builds new pages in memory and, at commit, writes them, syncs, then writes the meta
// (the commit point) and syncs again.
using System.Buffers;
using FastKv.Bolt.Format;
using FastKv.Bolt.Io;

namespace FastKv.Bolt;

public sealed unsafe class Tx : IDisposable
{
    private BoltDb? _db;
    internal Meta Meta;
    private readonly FileMapping _mapping;
    // Pages of the tree this transaction started from; the writer's new pages lie outside it until commit.
    private readonly ulong _treePages;
    private readonly Bucket _root;
    private readonly List<DirtyPage>? _dirty;
    private readonly WriterPool? _writerPool;

    internal Tx(BoltDb db, Meta meta, FileMapping mapping, bool writable)
    {
        _db = db;
        Meta = meta;
        _mapping = mapping;
        _treePages = meta.Pgid;
        Writable = writable;
        PageSize = db.PageSize;
        if (writable)
        {
            _writerPool = WriterPool.For(db);
            _dirty = _writerPool.DirtyPages;
        }
        _root = new Bucket(this, meta.Root);
    }

    public bool Writable { get; }
    public int PageSize { get; }
    /// <summary>The transaction id: the committed txid a reader sees, or the id a writer will commit as.</summary>
    public ulong Id => Meta.Txid;
    /// <summary>Bytes of the file this transaction's tree occupies (high-water mark × page size).</summary>
    public long Size => (long)Meta.Pgid * PageSize;
    public bool IsOpen => _db is not null;
    /// <summary>The mapping this transaction reads through (the checker walks it in place).</summary>
    internal FileMapping Mapping => _mapping;
    public BoltDb Db => _db ?? throw BoltException.TxClosed();

    /// <summary>The root bucket: top-level buckets are its entries.</summary>
    public Bucket Root => _root;

    /// <summary>Where the writer keeps the bytes it puts until commit.</summary>
    internal Arena Arena => WriterPool.Arena;

    /// <summary>Where the writer's nodes come from; they all go back when it ends.</summary>
    internal WriterPool WriterPool => _writerPool ?? throw BoltException.TxNotWritable();

    public Bucket? GetBucket(ReadOnlySpan<byte> name) => _root.GetBucket(name);
    public Bucket CreateBucket(ReadOnlySpan<byte> name) => _root.CreateBucket(name);
    public Bucket CreateBucketIfNotExists(ReadOnlySpan<byte> name) => _root.CreateBucketIfNotExists(name);
    public void DeleteBucket(ReadOnlySpan<byte> name) => _root.DeleteBucket(name);
    public Cursor Cursor() => _root.Cursor();

    internal void EnsureOpen()
    {
        if (_db is null) throw BoltException.TxClosed();
    }

    internal void EnsureWritable()
    {
        EnsureOpen();
        if (!Writable) throw BoltException.TxNotWritable();
    }

    /// <summary>Whether <paramref name="pgid"/> is a page of the tree this transaction started from.</summary>
    internal bool IsTreePage(ulong pgid) => pgid >= 2 && pgid < _treePages;

    /// <summary>A mapped page of the tree this transaction started from.</summary>
    internal byte* Page(ulong pgid)
    {
        if (!IsTreePage(pgid))
            throw new BoltCorruptionException($"page {pgid} is outside the tree (high-water mark {_treePages})");
        return _mapping.Base + (long)pgid * PageSize;
    }

    /// <summary>A buffer for <paramref name="count"/> new contiguous pages, placed from the freelist or past
    /// the high-water mark. The header's id and overflow are set; the caller fills and zeroes the rest.</summary>
    internal byte* Allocate(int count, out ulong pgid)
    {
        pgid = Db.Placement.Allocate(count, ref Meta.Pgid);
        byte* buffer = Db.PageBuffers.Rent(count);
        *(PageHeader*)buffer = new PageHeader { Id = pgid, Overflow = (uint)(count - 1) };
        _dirty!.Add(new DirtyPage(pgid, (nint)buffer, count));
        return buffer;
    }

    /// <summary>Frees a committed page and its overflow; readers may still see it until they close.</summary>
    internal void FreePage(ulong pgid)
    {
        byte* page = Page(pgid);
        Db.Freelist.Free(Meta.Txid, pgid, PageReader.Header(page).Overflow);
    }

    public void Commit()
    {
        EnsureWritable();
        var db = _db!;
        try
        {
            _root.Rebalance();
            db.Placement.Reserve(ExpectedPages(db), ref Meta.Pgid);
            _root.Spill();
            Meta.Root = _root.Header;

            // Each commit writes a fresh freelist, so the previous one becomes free.
            if (Meta.Freelist != Format.Meta.NoFreelist) FreePage(Meta.Freelist);
            if (db.Options.NoFreelistSync)
            {
                Meta.Freelist = Format.Meta.NoFreelist;
                db.Placement.Finish(ref Meta.Pgid);
            }
            else WriteFreelist(db.Freelist, db.Placement);

            db.CommitPages(this, _dirty!);
        }
        catch
        {
            Rollback();
            throw;
        }
        Close();
    }

    /// <summary>Pages this commit is about to write: its materialized nodes (splits may add a few) and the
    /// freelist, which will also list the pages the nodes replace.</summary>
    private int ExpectedPages(BoltDb db)
    {
        int nodes = _root.DirtyNodeCount();
        if (db.Options.NoFreelistSync) return nodes;
        int oldFreelist = Meta.Freelist == Format.Meta.NoFreelist ? 0 : (int)PageReader.Header(Page(Meta.Freelist)).Overflow + 1;
        return nodes + (int)(FreelistPage.SizeFor(db.Freelist.Count + nodes + oldFreelist) / PageSize) + 1;
    }

    private void WriteFreelist(Freelist freelist, PagePlacement placement)
    {
        // Sized before allocating, with bbolt's formula (which rounds up by a whole page when the size is an
        // exact multiple), counting the reserved pages the commit did not use: they return to the list below.
        long bytes = FreelistPage.SizeFor(freelist.Count + placement.Unused);
        int pages = (int)(bytes / PageSize) + 1;
        byte* page = Allocate(pages, out ulong pgid);
        placement.Finish(ref Meta.Pgid);
        ulong[] ids = ArrayPool<ulong>.Shared.Rent(Math.Max(1, freelist.Count));
        try
        {
            int n = freelist.Count;
            freelist.CopyAll(ids);
            FreelistPage.Write(page, ids.AsSpan(0, n));
            long used = FreelistPage.SizeFor(n);
            new Span<byte>(page + used, (int)((long)pages * PageSize - used)).Clear();
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(ids);
        }
        Meta.Freelist = pgid;
    }

    public void Rollback()
    {
        if (_db is null) return;
        if (Writable) _db.Freelist.Rollback(Meta.Txid);
        Close();
    }

    public void Dispose() => Rollback();

    private void Close()
    {
        var db = _db;
        if (db is null) return;
        _db = null;
        // Give buffers back before the writer lock is released: the next writer uses the same pool.
        if (_dirty is not null)
        {
            foreach (var page in _dirty) db.PageBuffers.Return(page.Buffer, page.Pages);
            _dirty.Clear();
        }
        _writerPool?.ReleaseAll();
        db.TxClosed(this);
        _mapping.Release();
    }

    /// <summary>Writes a consistent copy of the whole file as of this transaction: both metas describe it,
    /// then every page up to the high-water mark. Writers may commit meanwhile.</summary>
    public long WriteTo(Stream destination)
    {
        EnsureOpen();
        if (Writable) throw new BoltException("WriteTo needs a read transaction: a writer's pages are not committed yet");
        byte[] metaPage = new byte[PageSize];
        fixed (byte* p = metaPage)
        {
            for (ulong id = 0; id < 2; id++)
            {
                var header = (PageHeader*)p;
                header->Id = id;
                header->Flags = PageFlags.Meta;
                ref var meta = ref PageReader.MetaOf(p);
                meta = Meta;
                // Meta 1 gets the older txid so that meta 0 is the one in force.
                meta.Txid = id == 0 || Meta.Txid == 0 ? Meta.Txid : Meta.Txid - 1;
                meta.Seal();
                destination.Write(metaPage);
            }
        }
        const int Chunk = 1 << 20;
        long offset = 2L * PageSize, end = Size;
        while (offset < end)
        {
            int n = (int)Math.Min(Chunk, end - offset);
            destination.Write(new ReadOnlySpan<byte>(_mapping.Base + offset, n));
            offset += n;
        }
        return end;
    }
}
