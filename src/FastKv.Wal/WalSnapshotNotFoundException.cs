// Raised when the snapshot a reader starts from has no marker in the WAL (or one with a different term):
// the WAL and the snapshot do not belong together, and reading on would replay the wrong history.
namespace FastKv.Wal;

public sealed class WalSnapshotNotFoundException(string message) : IOException(message);
