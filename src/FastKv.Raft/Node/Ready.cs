// One batch of work for the host, reused from batch to batch. Handle it in this order:
// 1. send Messages (allowed before persisting: the leader replicates in parallel with its own fsync),
// 2. persist Snapshot, Entries and HardState (MustSync says whether an fsync is needed),
// 3. send MessagesAfterPersist (votes and acknowledgements that promise durable state),
// 4. apply Snapshot then CommittedEntries, and serve ReadStates once applied reaches their index,
// 5. call Advance. Everything here is valid only until Advance.
namespace FastKv.Raft;

public sealed class Ready
{
    public SoftState? SoftState { get; internal set; }
    public HardState? HardState { get; internal set; }
    public ReadOnlyMemory<Entry> Entries { get; internal set; }
    public Snapshot? Snapshot { get; internal set; }
    public ReadOnlyMemory<Entry> CommittedEntries { get; internal set; }
    public List<Message> Messages { get; internal set; } = new();
    public List<Message> MessagesAfterPersist { get; internal set; } = new();
    public List<ReadState> ReadStates { get; internal set; } = new();
    public bool MustSync { get; internal set; }
}
