// Raised when another process (or another open WAL in this one) holds a segment's lock.
namespace FastKv.Wal;

public sealed class WalLockedException(string file)
    : IOException($"{file} is locked by another writer; two processes must never append to one WAL")
{
    public string File { get; } = file;
}
