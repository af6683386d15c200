// The member's Raft log on disk: the WAL and the snapshot files under member/, mirrored in a
// MemoryStorage that Raft reads. Bootstrapping a new member writes a first snapshot at index 1
// holding the initial membership; restarting loads the newest snapshot and replays the WAL after it.
using FastKv.Raft;
using FastKv.Wal;
using RaftConfState = FastKv.Raft.ConfState;
using RaftHardState = FastKv.Raft.HardState;
using WalConfState = FastKv.Wal.ConfState;
using WalHardState = FastKv.Wal.HardState;

namespace FastKv.Server.Member;

public sealed class DurableLog : IDisposable
{
    private readonly SnapshotStore _snapshots;
    private RaftEntry[] _walBatch = new RaftEntry[64];

    private DurableLog(WriteAheadLog wal, SnapshotStore snapshots, MemoryStorage storage, MemberMetadata metadata, bool fresh)
    {
        Wal = wal;
        _snapshots = snapshots;
        Storage = storage;
        Metadata = metadata;
        IsFresh = fresh;
    }

    public WriteAheadLog Wal { get; }
    public MemoryStorage Storage { get; }
    public MemberMetadata Metadata { get; }

    /// <summary>True when this open created the member (no WAL existed).</summary>
    public bool IsFresh { get; }

    public ulong SnapshotIndex => Storage.Snapshot().Index;

    public static DurableLog OpenOrCreate(string walDir, string snapDir, MemberMetadata metadata, ulong[] initialVoters, WalOptions? options = null)
    {
        Directory.CreateDirectory(snapDir);
        var snapshots = new SnapshotStore(snapDir);
        var storage = new MemoryStorage();
        if (!WriteAheadLog.Exists(walDir))
        {
            var wal = WriteAheadLog.Create(walDir, metadata.Encode(), options);
            var confState = new WalConfState { Voters = initialVoters };
            snapshots.Save(new RaftSnapshot([], 1, 1, confState));
            wal.SaveSnapshot(new WalSnapshot(1, 1));
            wal.Save(new WalHardState(1, 0, 1), ReadOnlySpan<RaftEntry>.Empty);
            storage.ApplySnapshot(new Snapshot(1, 1, ToRaft(confState), default));
            storage.SetHardState(new RaftHardState(1, 0, 1));
            return new DurableLog(wal, snapshots, storage, metadata, fresh: true);
        }

        var snap = snapshots.LoadNewest() ?? throw new InvalidDataException($"no snapshot file in {snapDir} for the WAL in {walDir}");
        var log = WriteAheadLog.Open(walDir, new WalSnapshot(snap.Index, snap.Term), out var contents, options);
        storage.ApplySnapshot(new Snapshot(snap.Index, snap.Term, ToRaft(snap.ConfState), snap.Data));
        var hs = contents.HardState;
        storage.SetHardState(new RaftHardState(hs.Term, hs.Vote, hs.Commit));
        if (contents.Entries.Count > 0)
        {
            var entries = new Entry[contents.Entries.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                var e = contents.Entries[i];
                entries[i] = new Entry(e.Term, e.Index, (FastKv.Raft.EntryType)e.Type, e.Data);
            }
            storage.Append(entries);
        }
        return new DurableLog(log, snapshots, storage, MemberMetadata.Decode(contents.Metadata), fresh: false);
    }

    /// <summary>Makes a ready batch's entries and hard state durable (when Raft says it must) and visible to Raft.</summary>
    public void Persist(Ready rd)
    {
        var entries = rd.Entries.Span;
        if (entries.Length > _walBatch.Length)
            _walBatch = new RaftEntry[Math.Max(entries.Length, _walBatch.Length * 2)];
        for (var i = 0; i < entries.Length; i++)
        {
            ref readonly var e = ref entries[i];
            _walBatch[i] = new RaftEntry(e.Term, e.Index, (FastKv.Wal.EntryType)e.Type, e.Data);
        }
        var hs = rd.HardState is { } h ? new WalHardState(h.Term, h.Vote, h.Commit) : WalHardState.Empty;
        Wal.Save(hs, _walBatch.AsSpan(0, entries.Length));
        Array.Clear(_walBatch, 0, entries.Length); // drop payload references until the next batch
        if (entries.Length > 0)
            Storage.Append(entries);
        if (rd.HardState is { } state)
            Storage.SetHardState(state);
    }

    /// <summary>
    /// Records a snapshot at an applied index (the state machine must already be durable up to it),
    /// releases WAL segments before it and keeps <paramref name="catchUpEntries"/> entries in memory
    /// for slow followers.
    /// </summary>
    public void Snapshot(ulong index, RaftConfState confState, int maxSnapshots, int maxWals, ulong catchUpEntries)
    {
        var snap = Storage.CreateSnapshot(index, confState, default);
        _snapshots.Save(new RaftSnapshot([], snap.Index, snap.Term, ToWal(confState)));
        Wal.SaveSnapshot(new WalSnapshot(snap.Index, snap.Term));
        Wal.ReleaseLockTo(snap.Index);
        if (index > catchUpEntries)
            Storage.Compact(index - catchUpEntries);
        if (maxSnapshots > 0) _snapshots.Purge(maxSnapshots);
        if (maxWals > 0) Wal.Purge(maxWals);
    }

    public void Dispose() => Wal.Dispose();

    private static RaftConfState ToRaft(WalConfState cs) => new()
    {
        Voters = cs.Voters.ToArray(),
        Learners = cs.Learners.ToArray(),
        VotersOutgoing = cs.VotersOutgoing.ToArray(),
        LearnersNext = cs.LearnersNext.ToArray(),
        AutoLeave = cs.AutoLeave,
    };

    private static WalConfState ToWal(RaftConfState cs) => new()
    {
        Voters = cs.Voters,
        Learners = cs.Learners,
        VotersOutgoing = cs.VotersOutgoing,
        LearnersNext = cs.LearnersNext,
        AutoLeave = cs.AutoLeave,
    };
}
