// An open page file: the lock on it, the mapping readers use, the current meta, the freelist, the
// writer lock, and the set of open readers (which decides when freed pages may be reused).
using FastKv.Bolt.Format;
using FastKv.Bolt.Io;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt;

public sealed unsafe class BoltDb : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly object _state = new();   // guards _meta, _mapping, _readers
    private readonly List<ulong> _readers = new();
    private FileMapping _mapping;
    private Meta _meta;
    private long _fileSize;
    private bool _closed;

    /// <summary>Where the file is; changes only through <see cref="MoveFile"/>.</summary>
    public string Path => Volatile.Read(ref _path);
    private string _path;
    public int PageSize { get; }
    public BoltOptions Options { get; }

    /// <summary>The file's length in bytes: only this writer grows it and nothing shrinks it in place, so no stat is needed.</summary>
    public long FileSize => Volatile.Read(ref _fileSize);

    /// <summary>
    /// Bytes up to the last commit's high-water mark (its page count times the page size): what
    /// bbolt's Tx.Size reports and etcd calls the database size. Readable from any thread.
    /// </summary>
    public long HighWaterBytes => Volatile.Read(ref _highWaterBytes);
    private long _highWaterBytes;

    /// <summary>Bytes of the pages that were free (not pending) after the last commit or load.</summary>
    public long FreePageBytes => Volatile.Read(ref _freePageBytes);
    private long _freePageBytes;

    private void PublishSizes(in Meta meta)
    {
        Volatile.Write(ref _highWaterBytes, (long)meta.Pgid * PageSize);
        Volatile.Write(ref _freePageBytes, (long)Freelist.FreeCount * PageSize);
    }
    internal Freelist Freelist { get; } = new();
    internal PageBufferPool PageBuffers { get; }
    /// <summary>Where the writer's commit puts its pages (one writer at a time uses it).</summary>
    internal PagePlacement Placement { get; }
    /// <summary>Tests watch how a commit's pages reach the file: each gathered write's first page id and page count.</summary>
    internal Action<ulong, int>? PageRunWritten { get; set; }

    private BoltDb(string path, SafeFileHandle file, BoltOptions options, Meta meta, long fileSize)
    {
        _path = path;
        _file = file;
        Options = options;
        _meta = meta;
        PageSize = (int)meta.PageSize;
        _fileSize = fileSize;
        _mapping = FileMapping.Map(file, FileMapping.SizeFor(Math.Max(fileSize, options.InitialMmapSize), PageSize), writable: false);
        PageBuffers = new PageBufferPool(PageSize);
        Placement = new PagePlacement(Freelist);
    }

    /// <summary>Opens (or, unless read-only, creates) a page file.</summary>
    public static BoltDb Open(string path, BoltOptions? options = null)
    {
        options ??= BoltOptions.Default;
        if (options.ReadOnly && !File.Exists(path))
            throw new FileNotFoundException($"database file {path} does not exist", path);
        var file = FileLock.OpenLocked(path, options);
        try
        {
            long size = RandomAccess.GetLength(file);
            if (size == 0)
            {
                if (options.ReadOnly) throw new BoltException($"{path}: the file is empty, not a bolt file");
                NewFile.Initialize(file, options.PageSize, options.NoSync);
                size = RandomAccess.GetLength(file);
            }
            var meta = MetaSelector.Select(path, file, size);
            var db = new BoltDb(path, file, options, meta, size);
            try
            {
                if (!options.ReadOnly) db.LoadFreelist();
                db.PublishSizes(meta);
            }
            catch
            {
                db.Dispose();
                throw;
            }
            return db;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private void LoadFreelist()
    {
        if (_meta.Freelist == Meta.NoFreelist)
        {
            Freelist.Load(ReachablePages.Unreachable(_mapping.Base, PageSize, _meta));
            return;
        }
        ulong pgid = _meta.Freelist;
        if (pgid < 2 || pgid >= _meta.Pgid)
            throw new BoltCorruptionException($"meta: freelist page {pgid} is outside the tree (high-water mark {_meta.Pgid})");
        byte* page = _mapping.Base + (long)pgid * PageSize;
        ref var header = ref PageReader.Header(page);
        if (!header.IsFreelist)
            throw new BoltCorruptionException($"page {pgid}: expected the freelist, found a {header.TypeName} page");
        long capacity = (header.Overflow + 1L) * PageSize;
        if (pgid + header.Overflow >= _meta.Pgid || FreelistPage.SizeFor(FreelistPage.Count(page)) > capacity)
            throw new BoltCorruptionException($"page {pgid}: freelist runs past its pages");
        var ids = FreelistPage.Ids(page);
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 2 || ids[i] >= _meta.Pgid)
                throw new BoltCorruptionException($"page {pgid}: freelist names page {ids[i]}, outside [2, {_meta.Pgid})");
            if (i > 0 && ids[i] <= ids[i - 1])
                throw new BoltCorruptionException($"page {pgid}: freelist ids are not sorted and unique at position {i}");
        }
        Freelist.Load(ids);
    }

    /// <summary>The meta of the last commit.</summary>
    public Meta CurrentMeta
    {
        get { lock (_state) return _meta; }
    }

    public Tx BeginRead()
    {
        lock (_state)
        {
            if (_closed) throw BoltException.DatabaseClosed();
            _mapping.AddRef();
            _readers.Add(_meta.Txid);
            return new Tx(this, _meta, _mapping, writable: false);
        }
    }

    public Tx BeginWrite()
    {
        if (Options.ReadOnly) throw BoltException.DatabaseReadOnly();
        _writer.Wait();
        Meta meta;
        FileMapping mapping;
        ulong oldestReader;
        lock (_state)
        {
            if (_closed)
            {
                _writer.Release();
                throw BoltException.DatabaseClosed();
            }
            meta = _meta;
            mapping = _mapping;
            mapping.AddRef();
            oldestReader = meta.Txid;
            foreach (ulong r in _readers) oldestReader = Math.Min(oldestReader, r);
        }
        // Pages freed by transaction T were last visible at T-1: reusable once every reader is at T or later.
        Freelist.Release(oldestReader);
        Freelist.BeginTx();
        meta.Txid++;
        return new Tx(this, meta, mapping, writable: true);
    }

    public void View(Action<Tx> read)
    {
        using var tx = BeginRead();
        read(tx);
    }

    public T View<T>(Func<Tx, T> read)
    {
        using var tx = BeginRead();
        return read(tx);
    }

    public void Update(Action<Tx> write)
    {
        using var tx = BeginWrite();
        write(tx);
        tx.Commit();
    }

    /// <summary>Writes a transaction's pages, syncs, writes its meta, syncs, then makes it current.</summary>
    internal void CommitPages(Tx tx, List<DirtyPage> dirty)
    {
        long needed = (long)tx.Meta.Pgid * PageSize;
        long mapSize = FileMapping.SizeFor(needed, PageSize);
        if (needed > _fileSize)
        {
            // Grow in large steps so most commits leave the file size (and its metadata) alone.
            long target = mapSize < BoltLimits.AllocSize ? mapSize : needed + BoltLimits.AllocSize;
            RandomAccess.SetLength(_file, target);
            Volatile.Write(ref _fileSize, target);
        }

        PageWriter.WriteSorted(_file, dirty, PageSize, PageRunWritten);
        if (!Options.NoSync) Posix.Fdatasync(_file);

        byte* metaPage = stackalloc byte[Meta.Size + PageHeader.Size];
        new Span<byte>(metaPage, Meta.Size + PageHeader.Size).Clear();
        var header = (PageHeader*)metaPage;
        header->Id = tx.Meta.Txid % 2;
        header->Flags = PageFlags.Meta;
        ref var meta = ref PageReader.MetaOf(metaPage);
        meta = tx.Meta;
        meta.Seal();
        RandomAccess.Write(_file, new ReadOnlySpan<byte>(metaPage, Meta.Size + PageHeader.Size), (long)header->Id * PageSize);
        if (!Options.NoSync) Posix.Fdatasync(_file);

        PublishSizes(meta);
        lock (_state)
        {
            _meta = meta;
            if (needed > _mapping.Length)
            {
                // Readers that hold the old mapping keep it until they close.
                var old = _mapping;
                _mapping = FileMapping.Map(_file, mapSize, writable: false);
                old.Release();
            }
        }
    }

    /// <summary>
    /// Makes the open file durable and renames it over <paramref name="destination"/> (atomically
    /// replacing whatever file had that name), then syncs the directory so the rename survives a
    /// crash. The database stays open and usable throughout: the name changes, the file does not.
    /// </summary>
    public void MoveFile(string destination)
    {
        destination = System.IO.Path.GetFullPath(destination);
        lock (_state)
        {
            if (_closed) throw BoltException.DatabaseClosed();
        }
        Posix.Fdatasync(_file);
        File.Move(Path, destination, overwrite: true);
        Posix.SyncDirectory(System.IO.Path.GetDirectoryName(destination) ?? "/");
        Volatile.Write(ref _path, destination);
    }

    internal void TxClosed(Tx tx)
    {
        if (tx.Writable) _writer.Release();
        else lock (_state) _readers.Remove(tx.Id);
    }

    /// <summary>Number of read transactions open right now.</summary>
    public int OpenReaders
    {
        get { lock (_state) return _readers.Count; }
    }

    public void Dispose()
    {
        lock (_state)
        {
            if (_closed) return;
        }
        // Wait for the writer to finish; readers keep their mapping alive on their own.
        _writer.Wait();
        lock (_state)
        {
            _closed = true;
            _mapping.Release();
        }
        PageBuffers.Dispose();
        _writer.Release();
        _file.Dispose();
    }
}
