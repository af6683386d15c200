// Random sequences of commits, some of them torn by a simulated power loss (a random non-empty
// subset of the pages the commit wrote holds old bytes or garbage; for a one-sync commit the new
// meta is on disk, for a two-sync one it is not), each followed by a reopen. The file must always
// hold exactly the model's state: every commit that completed, none that was torn. At the end,
// FastKv's check and the reference bbolt's check pass.
using FsCheck;
using FsCheck.Fluent;
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;
using FastKv.Bolt.Tests.Compat;
using static FastKv.Bolt.Tests.Durability.CrashImages;

namespace FastKv.Bolt.Tests.Durability;

public class TornCommitPropertyTests
{
    /// <summary>One commit: keys to put (with a value size) and keys to delete; whether power is lost during it.</summary>
    public sealed record Step((int Key, int Size)[] Puts, int[] Deletes, bool Tear, int Seed, bool Garbage);

    private static readonly Gen<int> ValueSizes = Gen.Frequency((8, Gen.Choose(0, 600)), (1, Gen.Choose(4000, 9000)));

    private static readonly Gen<Step> Steps =
        from puts in Gen.ArrayOf(from k in Gen.Choose(0, 299) from s in ValueSizes select (k, s)).Where(p => p.Length is > 0 and < 12)
        from deletes in Gen.ArrayOf(Gen.Choose(0, 299)).Where(d => d.Length < 6)
        from tear in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from seed in Gen.Choose(0, int.MaxValue - 1)
        from garbage in Gen.Elements(false, true)
        select new Step(puts, deletes, tear, seed, garbage);

    private static readonly byte[] Name = Bytes.Of("p");

    private static byte[] ValueOf(int key, int size)
    {
        var v = new byte[size];
        for (int i = 0; i < size; i++) v[i] = (byte)(key * 7 + size + i);
        return v;
    }

    private static SortedDictionary<string, string> Expected(SortedDictionary<int, int> model)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, size) in model)
            all[$"p/k{k:D4}"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(ValueOf(k, size)));
        return all;
    }

    [Fact]
    public void Reopening_after_torn_commits_gives_exactly_the_last_durable_state()
    {
        int torn = 0, oneSyncTorn = 0;
        var property = Prop.ForAll(Gen.ArrayOf(Steps).Where(s => s.Length is > 0 and <= 10).ToArbitrary(), steps =>
        {
            using var dir = new TempDir();
            string path = dir.File("db");
            var model = new SortedDictionary<int, int>();
            using (var db = BoltDb.Open(path)) db.Update(tx => tx.CreateBucket(Name));
            foreach (var step in steps)
            {
                byte[] before = File.ReadAllBytes(path);
                bool expectFallback = false;
                using (var db = BoltDb.Open(path))
                    db.Update(tx =>
                    {
                        var b = tx.GetBucket(Name)!;
                        foreach (var (k, size) in step.Puts) b.Put(Bytes.Of($"k{k:D4}"), ValueOf(k, size));
                        foreach (int k in step.Deletes) b.Delete(Bytes.Of($"k{k:D4}"));
                    });
                if (step.Tear)
                {
                    byte[] after = File.ReadAllBytes(path);
                    var changed = ChangedDataPages(before, after);
                    Assert.NotEmpty(changed);
                    var random = new Random(step.Seed);
                    var lost = changed.Where(_ => random.Next(2) == 0).ToList();
                    if (lost.Count == 0) lost.Add(changed[random.Next(changed.Count)]);
                    byte[] image = WithPagesLost(before, after, lost, step.Garbage ? random : null);
                    bool oneSync;
                    using (var file = RawPageFile.Open(path)) oneSync = file.Chosen!.Manifest.State == ManifestState.Verified;
                    if (!oneSync)
                    {
                        // Two syncs: the meta is written only after every page is on disk, so a crash here leaves the old meta.
                        var metas = before.AsSpan(0, 2 * PageSize);
                        metas.CopyTo(image);
                    }
                    File.WriteAllBytes(path, image);
                    torn++;
                    if (oneSync) oneSyncTorn++;
                    expectFallback = oneSync;
                }
                else
                {
                    foreach (var (k, size) in step.Puts) model[k] = size;
                    foreach (int k in step.Deletes) model.Remove(k);
                }
                var expected = Expected(model);
                using (var db = BoltDb.Open(path))
                {
                    Assert.Equal(expectFallback, db.FellBackFromTornCommit);
                    Assert.True(expected.SequenceEqual(Content(db)), $"after {(step.Tear ? "a torn" : "a completed")} commit the file does not hold the model's state");
                }
            }
            var report = BoltChecker.CheckFile(path);
            Assert.True(report.IsClean, string.Join("; ", report.Problems));
            var (code, output) = ReferenceBbolt.Invoke("check", path);
            Assert.True(code == 0, output);
        });
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(30));
        // The generator must exercise the one-sync fallback, not only two-sync crashes.
        Assert.True(oneSyncTorn > 10, $"only {oneSyncTorn} of {torn} torn commits were one-sync commits");
    }
}
