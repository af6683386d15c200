// The freelist against a set model: frees stay pending until released, allocations return the
// lowest run that was free, and the persisted form lists every free and pending id, sorted.
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Bolt.Tests.Properties;

public class FreelistModelTests
{
    [Fact]
    public void Free_release_allocate_and_copy_agree_with_a_set_model()
    {
        var steps = (from n in Gen.Choose(1, 300) from a in Gen.ArrayOf(Gen.Choose(0, 99), n) select a).ToArbitrary();
        Prop.ForAll(steps, (int[] choices) =>
        {
            var freelist = new Freelist();
            var free = new SortedSet<ulong>();
            var pending = new Dictionary<ulong, List<ulong>>();
            var used = new SortedSet<ulong>(Enumerable.Range(2, 400).Select(i => (ulong)i));
            ulong txid = 1;
            freelist.Load([]);
            foreach (int c in choices)
            {
                if (c < 45 && used.Count > 0)
                {
                    ulong id = used.ElementAt(c * 7 % used.Count);
                    used.Remove(id);
                    freelist.Free(txid, id, 0);
                    (pending.TryGetValue(txid, out var l) ? l : pending[txid] = new()).Add(id);
                }
                else if (c < 65)
                {
                    txid++;
                    ulong upTo = txid - (ulong)(c % 3);
                    freelist.Release(upTo);
                    foreach (var t in pending.Keys.Where(t => t <= upTo).ToList())
                    {
                        free.UnionWith(pending[t]);
                        pending.Remove(t);
                    }
                }
                else
                {
                    int n = c % 4 + 1;
                    ulong got = freelist.Allocate(n);
                    var runStarts = free.Where(id => Enumerable.Range(0, n).All(k => free.Contains(id + (ulong)k)));
                    if (got == 0)
                    {
                        // Only when no run of n exists.
                        Assert.Empty(runStarts);
                        continue;
                    }
                    // The lowest run, as bbolt picks it.
                    Assert.Equal(runStarts.First(), got);
                    for (ulong k = 0; k < (ulong)n; k++)
                    {
                        Assert.True(free.Remove(got + k), $"allocated page {got + k} was not free");
                        used.Add(got + k);
                    }
                }
                var all = new ulong[freelist.Count];
                freelist.CopyAll(all);
                var expected = free.Concat(pending.Values.SelectMany(x => x)).OrderBy(x => x).ToArray();
                Assert.Equal(expected, all);
                Assert.Equal(free.Count, freelist.FreeCount);
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }
}
