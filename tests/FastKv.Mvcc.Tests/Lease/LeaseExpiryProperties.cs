// Property: with a fake clock, the leader reports exactly the leases whose last grant,
// renewal or promotion plus TTL lies in the past, as a simple model computes it.
using FsCheck;
using FsCheck.Fluent;
using FastKv.Mvcc.Lease;
using FastKv.Mvcc.Tests.Support;

namespace FastKv.Mvcc.Tests.Lease;

public sealed class LeaseExpiryProperties
{
    private enum OpKind { Grant, Renew, Advance, Revoke, Failover }

    private sealed record Op(OpKind Kind, int Lease, int Amount);

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Elements(OpKind.Grant, OpKind.Renew, OpKind.Advance, OpKind.Advance, OpKind.Revoke, OpKind.Failover)
        from lease in Gen.Choose(1, 6)
        from amount in Gen.Choose(0, 20)
        select new Op(kind, lease, amount);

    private sealed class NoKeys : ILeaseRevokeTarget
    {
        public long DeleteKeysInOneRevision(IReadOnlyList<byte[]> keys) => 1;
    }

    [Fact]
    public void Expired_leases_match_a_model_of_deadlines()
    {
        Prop.ForAll(Gen.ListOf(OpGen).Select(l => l.ToArray()).ToArbitrary(), ops =>
        {
            using var store = new TempBackend();
            var clock = new ManualClock();
            var lessor = new Lessor(store.Backend, new LessorOptions { Time = clock, MinTtlSeconds = 2, ExpiredRetryInterval = TimeSpan.FromHours(1) })
            {
                RevokeTarget = new NoKeys(),
            };
            lessor.Promote(TimeSpan.Zero);
            var now = 0L;
            var model = new Dictionary<long, (long Ttl, long Deadline)>();
            var reported = new HashSet<long>();

            foreach (var op in ops)
            {
                long id = op.Lease;
                switch (op.Kind)
                {
                    case OpKind.Grant when !model.ContainsKey(id):
                        var ttl = Math.Max(op.Amount, 2);
                        lessor.Grant(id, op.Amount);
                        model[id] = (ttl, now + ttl);
                        break;
                    case OpKind.Renew when model.TryGetValue(id, out var m) && m.Deadline > now:
                        lessor.Renew(id);
                        model[id] = (m.Ttl, now + m.Ttl);
                        reported.Remove(id);
                        break;
                    case OpKind.Revoke when model.ContainsKey(id):
                        lessor.Revoke(id);
                        model.Remove(id);
                        reported.Remove(id);
                        break;
                    case OpKind.Advance:
                        clock.Advance(TimeSpan.FromSeconds(op.Amount));
                        now += op.Amount;
                        break;
                    case OpKind.Failover:
                        lessor.Demote();
                        lessor.Promote(TimeSpan.FromSeconds(op.Amount));
                        foreach (var (lid, lm) in model.ToArray())
                            model[lid] = (lm.Ttl, now + op.Amount + lm.Ttl);
                        reported.Clear();
                        break;
                }

                var expected = model.Where(kv => kv.Value.Deadline <= now && !reported.Contains(kv.Key)).Select(kv => kv.Key).Order().ToArray();
                var actual = lessor.ExpiredLeases(100).Order().ToArray();
                if (!expected.SequenceEqual(actual))
                    throw new Exception($"at {now}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
                reported.UnionWith(actual);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }
}
