// Property tests (FsCheck) of the pure building blocks: quorum arithmetic, the in-flight window,
// the configuration-change codec and the storage append/compact model.
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Raft.Tests.Properties;

public sealed class QuorumAndCodecProperties
{
    [Fact]
    public void CommittedIndexIsTheLargestIndexAMajorityHasReached()
    {
        Prop.ForAll<byte[]>(raw =>
        {
            var matches = raw.Take(7).Select(b => (ulong)b).ToArray();
            if (matches.Length == 0) return true;
            var ids = Enumerable.Range(1, matches.Length).Select(i => (ulong)i).ToArray();
            var prs = new Dictionary<ulong, Progress>();
            var tracker = new ProgressTracker(4, 0);
            for (int i = 0; i < ids.Length; i++)
            {
                var p = tracker.NewProgress(1, false);
                p.Match = matches[i];
                prs[ids[i]] = p;
            }
            var got = new MajorityConfig(ids).CommittedIndex(prs);
            // Brute force: the largest value v such that more than half have match >= v.
            ulong want = matches.Where(v => matches.Count(m => m >= v) > matches.Length / 2).DefaultIfEmpty(0UL).Max();
            return got == want;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void JointCommittedIndexIsTheMinimumOfBothHalves()
    {
        Prop.ForAll<byte[]>(raw =>
        {
            var m = raw.Take(6).Select(b => (ulong)b).ToArray();
            if (m.Length < 2) return true;
            var prs = new Dictionary<ulong, Progress>();
            var tracker = new ProgressTracker(4, 0);
            for (int i = 0; i < m.Length; i++) { var p = tracker.NewProgress(1, false); p.Match = m[i]; prs[(ulong)i + 1] = p; }
            var half = m.Length / 2;
            var a = new MajorityConfig(Enumerable.Range(1, half + 1).Select(i => (ulong)i));
            var b = new MajorityConfig(Enumerable.Range(half, m.Length - half + 1).Select(i => (ulong)i));
            var joint = new JointConfig(a, b);
            return joint.CommittedIndex(prs) == Math.Min(a.CommittedIndex(prs), b.CommittedIndex(prs));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void VoteNeedsAMajorityOfYes()
    {
        Prop.ForAll<bool[]>(votes =>
        {
            var v = votes.Take(7).ToArray();
            var ids = Enumerable.Range(1, Math.Max(v.Length, 1)).Select(i => (ulong)i).ToArray();
            var cfg = new MajorityConfig(ids);
            var d = new Dictionary<ulong, bool>();
            for (int i = 0; i < v.Length; i++) d[ids[i]] = v[i];
            var yes = v.Count(x => x);
            var no = v.Length - yes;
            var q = ids.Length / 2 + 1;
            var want = yes >= q ? VoteResult.Won : ids.Length - no >= q ? VoteResult.Pending : VoteResult.Lost;
            return cfg.Vote(d) == want;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void InflightsBehavesLikeABoundedQueue()
    {
        Prop.ForAll<byte[]>(ops =>
        {
            var inf = new Inflights(5, 0);
            var model = new Queue<ulong>();
            ulong next = 1;
            foreach (var op in ops)
            {
                if (op % 3 != 0)
                {
                    if (model.Count == 5) { if (!inf.Full) return false; continue; }
                    inf.Add(next, 1); model.Enqueue(next); next++;
                }
                else
                {
                    var to = next - 1 - (ulong)(op % 4);
                    inf.FreeLE(to);
                    while (model.Count > 0 && model.Peek() <= to) model.Dequeue();
                }
                if (inf.Count != model.Count || inf.Full != (model.Count == 5)) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ConfChangeV2RoundTripsThroughTheProtobufEncoding()
    {
        Prop.ForAll<byte, ulong[], byte[]>((t, nodes, kinds) =>
        {
            var changes = nodes.Take(8).Select((n, i) => new ConfChangeSingle((ConfChangeType)((i < kinds.Length ? kinds[i] : 0) % 4), n)).ToArray();
            var cc = new ConfChangeV2 { Transition = (ConfChangeTransition)(t % 3), Changes = changes, Context = kinds };
            var back = ConfChangeCodec.DecodeV2(ConfChangeCodec.Encode(cc));
            return back.Transition == cc.Transition && back.Changes.SequenceEqual(cc.Changes) && back.Context.Span.SequenceEqual(kinds);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void LegacyConfChangeRoundTripsThroughTheProtobufEncoding()
    {
        Prop.ForAll<ulong, byte, ulong>((id, type, node) =>
        {
            var cc = new ConfChange { Id = id, Type = (ConfChangeType)(type % 4), NodeId = node };
            var back = ConfChangeCodec.DecodeV1(ConfChangeCodec.Encode(cc));
            return back.Id == id && back.Type == cc.Type && back.NodeId == node;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ConfChangeEncodingMatchesProtobufWireBytes()
    {
        // ConfChange{type: AddLearnerNode(3), node_id: 4}: field 2 varint 3, field 3 varint 4.
        Assert.Equal(new byte[] { 0x10, 0x03, 0x18, 0x04 }, ConfChangeCodec.Encode(new ConfChange { Type = ConfChangeType.AddLearnerNode, NodeId = 4 }));
        // ConfChangeV2{transition: JointExplicit(2), changes: [{type: RemoveNode(1), node_id: 300}]}
        Assert.Equal(new byte[] { 0x08, 0x02, 0x12, 0x05, 0x08, 0x01, 0x10, 0xAC, 0x02 },
            ConfChangeCodec.Encode(new ConfChangeV2 { Transition = ConfChangeTransition.JointExplicit, Changes = [new(ConfChangeType.RemoveNode, 300)] }));
    }

    [Fact]
    public void MemoryStorageMatchesAListModelUnderAppendAndCompact()
    {
        Prop.ForAll<byte[]>(ops =>
        {
            var st = new MemoryStorage();
            var model = new List<ulong>(); // terms by index, index 0 = dummy
            model.Add(0);
            ulong first = 1; // first index present
            foreach (var op in ops)
            {
                var last = first - 1 + (ulong)model.Count - 1;
                if (op < 200)
                {
                    // Append 1..8 entries starting somewhere in [first, last+1] with term op.
                    var start = last + 1 - Math.Min((ulong)(op % 3), last + 1 - first);
                    var n = op % 8 + 1;
                    var ents = Enumerable.Range(0, n).Select(i => new Entry((ulong)op, start + (ulong)i, EntryType.Normal, default)).ToArray();
                    st.Append(ents);
                    var keep = (int)(start - (first - 1));
                    model.RemoveRange(keep, model.Count - keep);
                    model.AddRange(ents.Select(e => e.Term));
                }
                else if (last > first)
                {
                    var ci = first + (ulong)(op % 3);
                    if (ci > last) continue;
                    st.Compact(ci);
                    var drop = (int)(ci - (first - 1));
                    model.RemoveRange(0, drop); // entry ci becomes the dummy position
                    first = ci + 1;
                }
                if (st.FirstIndex() != first || st.LastIndex() != first - 1 + (ulong)model.Count - 1) return false;
                for (ulong i = first; i <= st.LastIndex(); i++)
                {
                    st.Term(i, out var t);
                    if (t != model[(int)(i - (first - 1))]) return false;
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
