// A Raft message, field for field as raftpb.Message. Entries is a slice owned by the sender's
// ready batch: valid until that node's next Advance, so a transport that holds a message longer
// must copy it (the entry payloads themselves are the host's buffers and need no copy).
namespace FastKv.Raft;

public struct Message
{
    public MessageType Type;
    public ulong To;
    public ulong From;
    public ulong Term;
    public ulong LogTerm;
    public ulong Index;
    public ReadOnlyMemory<Entry> Entries;
    public ulong Commit;
    public Snapshot? Snapshot;
    public bool Reject;
    public ulong RejectHint;
    public ReadOnlyMemory<byte> Context;

    public override readonly string ToString() =>
        $"{Type} {From}->{To} term={Term} logterm={LogTerm} index={Index} commit={Commit} ents={Entries.Length} reject={Reject} hint={RejectHint}" +
        (Snapshot is null ? "" : $" snap={Snapshot.Index}/{Snapshot.Term}");
}
