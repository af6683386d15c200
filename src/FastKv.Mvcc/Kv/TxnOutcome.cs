// What applying a transaction without building its response reports (KvStore.ApplyTxn).
namespace FastKv.Mvcc.Kv;

/// <param name="Succeeded">Whether the compares held, so the success branch ran.</param>
/// <param name="Revision">The key space's revision after the transaction (unchanged when it wrote nothing).</param>
public readonly record struct TxnOutcome(bool Succeeded, long Revision);
