// A WAL in a fresh directory on a RAM-backed filesystem (/dev/shm when there is one), so a
// benchmark measures FastKv's own overhead rather than the disk's flush latency.
using FastKv.Wal;

namespace FastKv.Bench.Wal;

internal sealed class ScratchWal : IDisposable
{
    private readonly string _directory;

    public ScratchWal(string name)
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _directory = Path.Combine(root, $"fastkv-bench-{name}-{Environment.ProcessId}");
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        Log = WriteAheadLog.Create(_directory, [1, 2, 3]);
    }

    public WriteAheadLog Log { get; }

    public void Dispose()
    {
        Log.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
