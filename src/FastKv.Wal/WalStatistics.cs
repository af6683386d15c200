// Counters a WAL writer keeps about itself: how many syncs, how much data, how many cuts, and whether a
// cut ever had to wait for the preallocator.
namespace FastKv.Wal;

public readonly record struct WalStatistics(long Syncs, long BytesWritten, long Cuts, int PreallocationStalls);
