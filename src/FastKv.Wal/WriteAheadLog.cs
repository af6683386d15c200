// The WAL writer: creating a log, opening one at a snapshot (recovering a torn tail, refusing damage),
// and closing it. Appending, group commit and retention live in the other WriteAheadLog.*.cs parts.
//
// Concurrency model: callers encode records into an in-memory pending buffer under _gate; whoever
// needs durability and finds no flush running becomes the flusher, swaps the pending buffer out,
// writes it with one pwrite per segment and one fdatasync, then releases every caller its sync
// covered. Callers that arrive during a flush ride along on the next one (group commit).
namespace FastKv.Wal;

public sealed partial class WriteAheadLog : IDisposable
{
    private readonly string _directory;
    private readonly WalOptions _options;
    private readonly byte[] _metadata;
    private readonly object _gate = new();
    private readonly SegmentPreallocator _preallocator;
    private readonly WaiterPool _waiterPool = new();
    private readonly Queue<DurabilityWaiter> _waiters = new();
    private readonly Stack<CompletionBatch> _completionPool = new();
    private FlushThread? _flushThread;

    // Encode side, guarded by _gate.
    private readonly RecordEncoder _encoder;
    private WriteBuffer _pending = new();
    private List<PendingCut> _pendingCuts = new();
    private long _segmentOffset;
    private ulong _sequence;
    private ulong _lastIndex;
    private HardState _state;
    private long _appended;
    private long _durable;
    private long _requested;
    private bool _flushing;
    private Exception? _fault;
    private bool _disposed;

    // Flush side, owned by whichever thread is the flusher (_flushing == true).
    private WriteBuffer _flushBuffer = new();
    private List<PendingCut> _flushCuts = new();
    private SegmentFile _tail;
    private long _tailOffset;

    // Segments this writer holds locked, oldest first; guarded by _segmentsLock.
    private readonly object _segmentsLock = new();
    private readonly List<(SegmentName Name, SegmentFile File)> _segments;

    private long _syncs;
    private long _bytesWritten;
    private long _cuts;

    private WriteAheadLog(string directory, WalOptions options, byte[] metadata, List<(SegmentName, SegmentFile)> segments,
        long tailOffset, uint crc, ulong lastIndex, HardState state)
    {
        _directory = directory;
        _options = options;
        _metadata = metadata;
        _segments = segments;
        _tail = segments[^1].Item2;
        _tailOffset = tailOffset;
        _segmentOffset = tailOffset;
        _sequence = segments[^1].Item1.Sequence;
        _encoder = new RecordEncoder(crc);
        _lastIndex = lastIndex;
        _state = state;
        _preallocator = new SegmentPreallocator(directory, options.SegmentBytes);
    }

    public string Directory => _directory;

    /// <summary>Index of the last entry written (etcd's "enti").</summary>
    public ulong LastIndex { get { lock (_gate) return _lastIndex; } }

    public HardState HardState { get { lock (_gate) return _state; } }

    public WalStatistics Statistics => new(Interlocked.Read(ref _syncs), Interlocked.Read(ref _bytesWritten),
        Interlocked.Read(ref _cuts), _preallocator.Stalls);

    /// <summary>Whether <paramref name="directory"/> holds WAL segments.</summary>
    public static bool Exists(string directory) =>
        System.IO.Directory.Exists(directory) && SegmentName.List(directory).Count > 0;

    /// <summary>
    /// Creates a WAL with its first segment holding the opening crc record, the metadata and an empty
    /// snapshot marker. It is built in a sibling temp directory and renamed into place, so a crash never
    /// leaves a half-made WAL where a reader would find it.
    /// </summary>
    public static WriteAheadLog Create(string directory, ReadOnlySpan<byte> metadata, WalOptions? options = null)
    {
        options ??= WalOptions.Default;
        directory = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar));
        if (Exists(directory))
            throw new IOException($"{directory} already holds a WAL");
        if (System.IO.Directory.Exists(directory) && System.IO.Directory.EnumerateFileSystemEntries(directory).Any())
            throw new IOException($"{directory} is not empty; a new WAL needs an empty or missing directory");
        string temp = directory + ".tmp";
        if (System.IO.Directory.Exists(temp))
            System.IO.Directory.Delete(temp, recursive: true);
        System.IO.Directory.CreateDirectory(temp);

        var first = new SegmentName(0, 0);
        var file = SegmentFile.OpenLocked(Path.Combine(temp, first.FileName), create: true, SegmentFile.LockPatience);
        try
        {
            file.Preallocate(options.SegmentBytes);
            var encoder = new RecordEncoder(0);
            var buffer = new WriteBuffer(4096);
            encoder.EncodeCrc(buffer);
            encoder.EncodeMetadata(buffer, metadata);
            encoder.EncodeSnapshot(buffer, new WalSnapshot(0, 0));
            file.Write(buffer.Written, 0);
            file.DataSync();
            NativeIo.SyncDirectory(temp);

            if (System.IO.Directory.Exists(directory))
                System.IO.Directory.Delete(directory); // empty (checked above); rename needs the name free
            System.IO.Directory.Move(temp, directory);
            NativeIo.SyncDirectory(Path.GetDirectoryName(directory)!);
            file.RelocatedTo(Path.Combine(directory, first.FileName));
            return new WriteAheadLog(directory, options, metadata.ToArray(), [(first, file)],
                buffer.Length, encoder.Crc, 0, default);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a WAL for appending, reading everything after <paramref name="snapshot"/>. A torn tail (a
    /// crash mid-write) is zeroed and appending resumes after the last good record; damage anywhere else
    /// raises <see cref="WalCorruptException"/> naming the file and offset.
    /// </summary>
    public static WriteAheadLog Open(string directory, WalSnapshot snapshot, out WalContents contents, WalOptions? options = null)
    {
        options ??= WalOptions.Default;
        directory = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar));
        var selected = WalReader.SelectSegments(directory, snapshot.Index);
        var held = new List<(SegmentName, SegmentFile)>(selected.Count);
        try
        {
            foreach (var name in selected)
                held.Add((name, SegmentFile.OpenLocked(Path.Combine(directory, name.FileName), create: false, SegmentFile.LockPatience)));
            // Now that this process owns the WAL, spares a crashed writer left behind can go.
            foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.tmp"))
                File.Delete(path);

            var byName = held.ToDictionary(h => h.Item1, h => h.Item2);
            var builder = new ContentsBuilder(snapshot);
            var scan = new WalScanner(directory, selected, n => byName[n].Handle)
                .Scan((t, d, s, o) => builder.OnRecord(t, d, s, o, directory));
            if (scan.End == ScanEnd.Damaged)
                throw scan.ToException();
            contents = builder.Build(scan, requireSnapshot: true);

            var tail = held[^1].Item2;
            if (scan.End == ScanEnd.TornTail)
                tail.ZeroFrom(scan.ValidEnd);
            if (tail.Length < options.SegmentBytes)
                tail.Preallocate(options.SegmentBytes); // a tail truncated by a cut that never completed

            return new WriteAheadLog(directory, options, contents.Metadata, held, scan.ValidEnd, scan.Crc,
                contents.LastIndex, contents.HardState);
        }
        catch
        {
            foreach (var (_, file) in held)
                file.Dispose();
            throw;
        }
    }

    /// <summary>Makes everything appended durable, then releases the locks and the spare segment.</summary>
    public void Dispose()
    {
        bool flush;
        lock (_gate)
        {
            if (_disposed)
                return;
            flush = _fault is null && _appended > _durable;
        }
        try
        {
            if (flush)
                Sync();
        }
        finally
        {
            lock (_gate)
            {
                while (_flushing)
                    Monitor.Wait(_gate);
                _disposed = true;
                _fault ??= new ObjectDisposedException(nameof(WriteAheadLog));
                FailWaitersLocked(_fault);
            }
            FlushThread? flusher;
            lock (_gate)
                flusher = _flushThread;
            flusher?.Stop();
            _preallocator.Dispose();
            lock (_segmentsLock)
            {
                foreach (var (_, file) in _segments)
                    file.Dispose();
                _segments.Clear();
            }
        }
    }

    private readonly record struct PendingCut(int BufferPosition, SegmentName Name);
}
