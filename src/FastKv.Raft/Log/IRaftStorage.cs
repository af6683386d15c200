// What Raft reads from the host's durable log. The host writes to it (entries, hard state,
// snapshots from Ready) and Raft only reads, so implementations need no locking against Raft.
namespace FastKv.Raft;

public interface IRaftStorage
{
    // The hard state and membership recorded at the last durable write.
    (HardState HardState, ConfState ConfState) InitialState();

    // Entries in [lo, hi), limited to about maxSize bytes but always at least one entry when lo < hi.
    // The returned memory is read immediately and not retained by Raft.
    StorageResult Entries(ulong lo, ulong hi, long maxSize, out ReadOnlyMemory<Entry> entries);

    // Term of entry i; i may be FirstIndex()-1 (the snapshot position).
    StorageResult Term(ulong i, out ulong term);

    // Index of the first entry still in the log (the one after the snapshot).
    ulong FirstIndex();

    ulong LastIndex();

    // The latest snapshot; null when it is temporarily unavailable (being produced). Raft may call
    // this from inside Step, Advance or ApplyConfChange, so an implementation that snapshots on demand
    // must describe a consistent applied state (not one half-way through applying an entry).
    Snapshot? Snapshot();
}
