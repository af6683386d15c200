// The Raft log of a restored member, laid out as etcd's restore lays it out so both FastKv and
// etcd 3.4 start from it: a WAL whose metadata names the member and cluster, one ConfChangeAddNode
// entry per member at indexes 1..n (term 1, in ID order, the member's JSON as context), a hard state
// committing them, and a snapshot at index n whose voters are the members and whose data is the
// v2 membership image etcd 3.4 reads at start.
using FastKv.Raft;
using FastKv.Server.Member;
using FastKv.Wal;
using WalConfState = FastKv.Wal.ConfState;
using WalEntryType = FastKv.Wal.EntryType;
using WalHardState = FastKv.Wal.HardState;

namespace FastKv.Util.Snapshot;

internal static class RestoredRaftLog
{
    /// <summary>Writes the log, whose snapshot index is the number of members.</summary>
    public static void Write(RestoreSettings s)
    {
        var members = s.Members;
        var entries = new RaftEntry[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            var change = new ConfChange { Type = ConfChangeType.AddNode, NodeId = members[i].Id, Context = members[i].ToJson() };
            entries[i] = new RaftEntry(1, (ulong)(i + 1), WalEntryType.ConfChange, ConfChangeCodec.Encode(change));
        }
        var commit = (ulong)members.Count;
        using var wal = WriteAheadLog.Create(s.WalDir, new MemberMetadata(s.MemberId, s.ClusterId).Encode());
        wal.Save(new WalHardState(1, members[0].Id, commit), entries);
        new SnapshotStore(s.SnapDir).Save(new RaftSnapshot(V2MembershipImage.Build(members), commit, 1,
            new WalConfState { Voters = members.Select(m => m.Id).ToArray() }));
        wal.SaveSnapshot(new WalSnapshot(commit, 1));
    }
}
