// Volatile role information surfaced in a ready batch when it changes (not persisted).
namespace FastKv.Raft;

public readonly record struct SoftState(ulong Lead, StateType State);
