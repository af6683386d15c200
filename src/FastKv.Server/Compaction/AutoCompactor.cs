// Starts the auto compactor the configuration asks for (none when retention is 0), against a
// member, logging under etcd's "compactor" messages.
using FastKv.Api.Etcdserverpb;
using FastKv.Server.Logging;
using FastKv.Server.Member;

namespace FastKv.Server.Compaction;

public static class AutoCompactor
{
    public static RunningCompactor? Start(AutoCompactionPolicy? policy, EtcdMember member, JsonLog log, TimeSpan revisionCheckInterval)
    {
        if (policy is null) return null;
        var target = new MemberCompactionTarget(member);
        RunningCompactor compactor = policy.Mode == AutoCompactionMode.Periodic
            ? new PeriodicCompactor(policy.Period, target, log)
            : new RevisionCompactor(policy.Revisions, revisionCheckInterval, target, log);
        compactor.Start();
        return compactor;
    }

    private sealed class MemberCompactionTarget(EtcdMember member) : ICompactionTarget
    {
        public long CurrentRevision => member.Kv.CurrentRevision;
        public bool IsLeader => member.Raft.Leader == member.MemberId;

        public async Task CompactAsync(long revision, CancellationToken cancel)
        {
            // Like etcd's compactor, a logical compaction: done once applied; the page file is
            // swept in the background.
            await member.ProposeAsync<CompactionOutcome>(
                new InternalRaftRequest { Compaction = new CompactionRequest { Revision = revision } }, cancel).ConfigureAwait(false);
        }
    }
}
