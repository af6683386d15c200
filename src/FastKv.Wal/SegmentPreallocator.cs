// Keeps the next segment ready before it is needed: a background task creates a spare file, locks it
// and reserves the full segment size with fallocate. Cutting a segment then only renames the spare,
// so appenders never wait for block allocation. Spares are named "0.tmp"/"1.tmp"; readers ignore them
// and a fresh open deletes leftovers from a crash.
namespace FastKv.Wal;

internal sealed class SegmentPreallocator : IDisposable
{
    private readonly string _directory;
    private readonly long _segmentBytes;
    private int _created;
    private Task<SegmentFile> _next;
    private bool _disposed;

    public SegmentPreallocator(string directory, long segmentBytes)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        _next = Task.Run(CreateSpare);
    }

    /// <summary>How many times a cut found the spare not yet ready and had to wait for it.</summary>
    public int Stalls { get; private set; }

    public static bool IsSpareName(string fileName) => fileName.EndsWith(".tmp", StringComparison.Ordinal);

    /// <summary>Hands over the ready spare (waiting only if the disk fell behind) and starts the next one.</summary>
    public SegmentFile Take()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_next.IsCompleted)
            Stalls++;
        var spare = _next.GetAwaiter().GetResult();
        _next = Task.Run(CreateSpare);
        return spare;
    }

    private SegmentFile CreateSpare()
    {
        string path = Path.Combine(_directory, $"{_created++ % 2}.tmp");
        var file = SegmentFile.OpenLocked(path, create: true, SegmentFile.LockPatience);
        try
        {
            file.Truncate(0); // a spare left by a crash may hold old bytes; a segment must start zeroed
            file.Preallocate(_segmentBytes);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            var spare = _next.GetAwaiter().GetResult();
            string path = spare.Path;
            spare.Dispose();
            File.Delete(path);
        }
        catch (IOException)
        {
            // The spare never became usable; there is nothing of value in it.
        }
    }
}
