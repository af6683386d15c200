// An operation on a snapshot file failed for a reason the operator must see as etcdctl words it
// (`Error: <message>`, exit 1): a missing file, a hash mismatch, a data dir that already exists.
namespace FastKv.Util.Snapshot;

internal sealed class SnapshotException(string message) : Exception(message);
