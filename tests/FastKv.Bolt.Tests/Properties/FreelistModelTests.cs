// The freelist against a set model: frees stay pending until released, runs are found lowest
// first and taken only when free, an unused tail given back is free at once, a rollback undoes the
// writer's frees and takes, and the persisted form lists every free and pending id, sorted.
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Bolt.Tests.Properties;

public class FreelistModelTests
{
    [Fact]
    public void Free_release_find_take_untake_rollback_and_copy_agree_with_a_set_model()
    {
        var steps = (from n in Gen.Choose(1, 300) from a in Gen.ArrayOf(Gen.Choose(0, 99), n) select a).ToArbitrary();
        Prop.ForAll(steps, (int[] choices) =>
        {
            var freelist = new Freelist();
            var free = new SortedSet<ulong>();
            var pending = new Dictionary<ulong, List<ulong>>();
            var used = new SortedSet<ulong>(Enumerable.Range(2, 400).Select(i => (ulong)i));
            var takenThisTx = new List<(ulong Start, int Count)>();
            ulong txid = 1;
            freelist.Load([]);
            foreach (int c in choices)
            {
                if (c < 40 && used.Count > 0)
                {
                    // A writer frees pages of the tree it started from, never ones it took itself.
                    var candidates = used.Where(id => !takenThisTx.Any(t => id >= t.Start && id < t.Start + (ulong)t.Count)).ToList();
                    if (candidates.Count == 0) continue;
                    ulong id = candidates[c * 7 % candidates.Count];
                    used.Remove(id);
                    freelist.Free(txid, id, 0);
                    (pending.TryGetValue(txid, out var l) ? l : pending[txid] = new()).Add(id);
                }
                else if (c < 55)
                {
                    txid++;
                    freelist.BeginTx();
                    takenThisTx.Clear();
                    ulong upTo = txid - (ulong)(c % 3);
                    freelist.Release(upTo);
                    foreach (var t in pending.Keys.Where(t => t <= upTo).ToList())
                    {
                        free.UnionWith(pending[t]);
                        pending.Remove(t);
                    }
                }
                else if (c < 85)
                {
                    int n = c % 5 + 1;
                    // Sometimes with a small scan limit: the search then sees only the lowest ids.
                    int limit = c % 3 == 0 ? 1 + c % 7 : Freelist.FindRunScanLimit;
                    var window = new SortedSet<ulong>(free.Take(limit));
                    bool fits = freelist.FindRun(n, out ulong start, out int length, out int longest, limit);
                    bool RunAt(ulong id, int len) => Enumerable.Range(0, len).All(k => free.Contains(id + (ulong)k));
                    bool RunIn(ulong id, int len) => Enumerable.Range(0, len).All(k => window.Contains(id + (ulong)k));
                    if (fits)
                    {
                        // The lowest run long enough, reported whole (as far as the window goes).
                        Assert.True(length >= n && RunIn(start, length) && !free.Contains(start - 1) && !window.Contains(start + (ulong)length));
                        Assert.DoesNotContain(window, id => id < start && RunIn(id, n));
                    }
                    else if (free.Count == 0) Assert.Equal(0, length);
                    else
                    {
                        Assert.DoesNotContain(window, id => RunIn(id, n));
                        Assert.Equal(free.Min, start);
                        Assert.True(length >= 1 && RunIn(start, length) && !window.Contains(start + (ulong)length));
                        // The longest run in the window, exactly.
                        Assert.True(window.Any(id => RunIn(id, longest)) && !window.Any(id => RunIn(id, longest + 1)));
                    }
                    int lowest = freelist.LowestRun(out ulong lowestStart);
                    if (free.Count == 0) Assert.Equal(0, lowest);
                    else Assert.True(lowestStart == free.Min && RunAt(lowestStart, lowest) && !free.Contains(lowestStart + (ulong)lowest));
                    // Take what was found, or try an arbitrary place (which must fail unless it is all free).
                    ulong at = c % 2 == 0 && length > 0 ? start : (ulong)(2 + c * 13 % 400);
                    int count = c % 2 == 0 && length > 0 ? Math.Min(n, length) : n;
                    bool allFree = RunAt(at, count);
                    Assert.Equal(allFree, freelist.TryTake(at, count));
                    if (allFree)
                    {
                        for (ulong k = 0; k < (ulong)count; k++)
                        {
                            free.Remove(at + k);
                            used.Add(at + k);
                        }
                        takenThisTx.Add((at, count));
                    }
                }
                else if (c < 93)
                {
                    // Give back the unused tail of the latest allocation.
                    int last = takenThisTx.FindLastIndex(t => t.Count > 1);
                    if (last < 0) continue;
                    var (at, count) = takenThisTx[last];
                    int back = 1 + c % (count - 1);
                    ulong from = at + (ulong)(count - back);
                    freelist.Untake(from, back);
                    takenThisTx[last] = (at, count - back);
                    for (ulong k = 0; k < (ulong)back; k++)
                    {
                        used.Remove(from + k);
                        free.Add(from + k);
                    }
                }
                else
                {
                    // The writer gives up: its frees are undone and what it took is free again.
                    freelist.Rollback(txid);
                    if (pending.Remove(txid, out var undone))
                        used.UnionWith(undone);
                    foreach (var (at, count) in takenThisTx)
                        for (ulong k = 0; k < (ulong)count; k++)
                        {
                            used.Remove(at + k);
                            free.Add(at + k);
                        }
                    takenThisTx.Clear();
                    txid++;
                    freelist.BeginTx();
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
