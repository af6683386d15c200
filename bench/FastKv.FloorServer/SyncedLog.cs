// The least a durable write can cost: append one WAL-sized record to a preallocated file and
// fdatasync it, one caller at a time (no group commit, as for a lone client). The file is filled
// with zeros up front so a sync never has to persist a new block or a longer file, as with the
// WAL's preallocated segments.
using FastKv.Wal;
using Microsoft.Win32.SafeHandles;

namespace FastKv.FloorServer;

internal sealed class SyncedLog : IDisposable
{
    /// <summary>A put's WAL record: a 256-byte value, an 8-byte key and the entry's framing.</summary>
    public const int RecordBytes = 360;
    private const long FileBytes = 16 << 20;

    private readonly SafeFileHandle _file;
    private readonly byte[] _record = new byte[RecordBytes];
    private readonly Lock _gate = new();
    private long _offset;
    private long _appends;

    /// <summary>Records appended and synced so far.</summary>
    public long Appends => Interlocked.Read(ref _appends);

    public SyncedLog(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "floor.log");
        _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        var zeros = new byte[1 << 20];
        for (long at = 0; at < FileBytes; at += zeros.Length) RandomAccess.Write(_file, zeros, at);
        NativeIo.DataSync(_file);
    }

    public void Append()
    {
        lock (_gate)
        {
            if (_offset + RecordBytes > FileBytes) _offset = 0;
            _record[0]++;
            RandomAccess.Write(_file, _record, _offset);
            _offset += RecordBytes;
            NativeIo.DataSync(_file);
            _appends++;
        }
    }

    public void Dispose() => _file.Dispose();
}
