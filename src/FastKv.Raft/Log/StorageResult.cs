// Outcome of reading the durable log: found, gone (compacted into a snapshot), or not there yet.
namespace FastKv.Raft;

public enum StorageResult : byte
{
    Ok = 0,
    Compacted = 1,
    Unavailable = 2,
}
