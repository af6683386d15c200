// Repair against the real damaged etcd files: outputs pass the check, open in the database, and
// keep every key that can be kept; the report names what was dropped and where lost keys may be.
using FastKv.Bolt.Check;
using FastKv.Bolt.Repair;
using FastKv.Bolt.Tests.Check;
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests.Repair;

public class RepairTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every bucket's keys and values, read through the database API.</summary>
    private static Dictionary<string, Dictionary<string, string>> ReadAll(string path)
    {
        var all = new Dictionary<string, Dictionary<string, string>>();
        using var db = BoltDb.Open(path, new BoltOptions { ReadOnly = true });
        db.View(tx =>
        {
            var c = tx.Cursor();
            for (bool ok = c.First(out var name, out _); ok; ok = c.Next(out name, out _))
            {
                var bucket = tx.GetBucket(name)!;
                var entries = new Dictionary<string, string>();
                bucket.ForEach((k, v) => entries[Convert.ToHexString(k)] = Convert.ToHexString(v));
                all[System.Text.Encoding.UTF8.GetString(name)] = entries;
            }
        });
        return all;
    }

    private static void AssertBboltAccepts(string path)
    {
        var (code, text) = ReferenceBbolt.Invoke("check", path);
        Assert.True(code == 0, $"the reference bbolt rejects {path}: {text}");
    }

    private Dictionary<string, Dictionary<string, string>> GoodContents()
    {
        string good = _dir.File("good.db");
        File.WriteAllBytes(good, File.ReadAllBytes(ToolFixtures.Snapshot));
        return ReadAll(good);
    }

    [Fact]
    public void HighWaterBeyondEofKeepsEveryKey()
    {
        string output = _dir.File("repaired.db");
        var report = BoltRepairer.Repair(ToolFixtures.PgidBeyondEof, output);

        Assert.True(report.Succeeded, string.Join("\n", report.OutputCheck.Problems));
        Assert.Empty(report.Dropped);
        Assert.Contains(report.InputCheck.Problems, p => p.Rule == CheckRules.HighWaterBeyondEof);
        var expected = GoodContents();
        var actual = ReadAll(output);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (bucket, entries) in expected)
            Assert.Equal(entries, actual[bucket]);
        Assert.Equal(213, actual["key"].Count);
        Assert.Equal(10, report.BucketsKept);
        AssertBboltAccepts(output);
    }

    [Fact]
    public void DoubleReferenceKeepsEachReachableKeyOnceAndNamesTheDroppedSubtree()
    {
        string output = _dir.File("repaired.db");
        var report = BoltRepairer.Repair(ToolFixtures.BranchDoubleReference, output);

        Assert.True(report.Succeeded, string.Join("\n", report.OutputCheck.Problems));
        var dropped = Assert.Single(report.Dropped);
        Assert.Equal(CheckRules.MultipleReferences, dropped.Cause.Rule);
        Assert.Equal(30ul, dropped.Cause.PageId);
        Assert.Contains("page 34 element 1", dropped.What);
        Assert.Equal("key", System.Text.Encoding.ASCII.GetString(Assert.Single(dropped.BucketPath)));

        // Leaf 3 (7 revisions, 0x13..0x19) lost its only reference; everything else survives once.
        var good = GoodContents();
        var actual = ReadAll(output);
        Assert.Equal(213 - 7, actual["key"].Count);
        Assert.All(actual["key"], kv => Assert.Equal(good["key"][kv.Key], kv.Value));
        var missing = good["key"].Keys.Except(actual["key"].Keys).Order().ToArray();
        Assert.Equal(Enumerable.Range(0x13, 7).Select(r => $"{r:X16}5F0000000000000000").ToArray(), missing);
        foreach (var bucket in good.Keys.Where(b => b != "key"))
            Assert.Equal(good[bucket], actual[bucket]);

        // The orphaned leaf is pointed out as where the lost keys probably are.
        var hint = Assert.Single(report.Hints);
        Assert.Equal(3ul, hint.PageId);
        Assert.Equal(7, hint.Keys);
        AssertBboltAccepts(output);
    }

    [Fact]
    public void GoodSnapshotRepairsToAnEquivalentCleanFile()
    {
        string output = _dir.File("repaired.db");
        var report = BoltRepairer.Repair(ToolFixtures.Snapshot, output);
        Assert.True(report.Succeeded);
        Assert.Empty(report.Dropped);
        Assert.Equal(0, report.DuplicateKeys);
        Assert.Equal(report.InputCheck.Keys, report.KeysKept);
        var good = GoodContents();
        var actual = ReadAll(output);
        foreach (var (bucket, entries) in good)
            Assert.Equal(entries, actual[bucket]);
    }

    [Fact]
    public void OlderMetaIsOfferedAndUsableWhenTheNewestTreeIsBroken()
    {
        // Meta 0 (txid 39, the newest) is pointed at leaf 5 of the `key` bucket, a page that is no root bucket.
        var surgery = new FileSurgery(File.ReadAllBytes(ToolFixtures.Snapshot)[..^RawPageFile.SnapshotTrailerLength]);
        var meta0 = surgery.MetaOf(0);
        meta0.Root.Root = 5;
        meta0.Seal();
        surgery.MetaOf(0) = meta0;
        string input = _dir.File("newest-broken.db");
        surgery.Save(input);

        var newest = BoltRepairer.Repair(input, _dir.File("from-newest.db"));
        Assert.Equal(0, newest.MetaUsed!.Index);
        Assert.Contains(newest.InputCheck.Problems, p => p.Rule == CheckRules.RootLevelValue && p.PageId == 5);
        Assert.Equal(0, newest.BucketsKept);
        Assert.All(newest.Dropped, d => Assert.Equal("root-level-key", d.Cause.Rule));
        Assert.Equal(7, newest.KnownKeysLost);
        Assert.NotNull(newest.OtherMeta);
        Assert.Equal(1, newest.OtherMeta!.Meta.Index);
        Assert.True(newest.OtherMeta.Check.IsClean);
        Assert.Equal(220, newest.OtherMeta.Check.Keys);

        var older = BoltRepairer.Repair(input, _dir.File("from-older.db"), new RepairOptions { MetaIndex = 1 });
        Assert.True(older.Succeeded);
        Assert.Empty(older.Dropped);
        Assert.Equal(220, older.KeysKept);
        Assert.Equal(GoodContents()["key"], ReadAll(_dir.File("from-older.db"))["key"]);
    }

    [Fact]
    public void BothMetasDamagedListsRootCandidatesAndRootPageRecoversEverything()
    {
        var surgery = new FileSurgery(File.ReadAllBytes(ToolFixtures.Snapshot)[..^RawPageFile.SnapshotTrailerLength]);
        surgery.MetaOf(0).Magic = 0;
        surgery.MetaOf(1).Checksum ^= 1;
        string input = _dir.File("no-meta.db");
        surgery.Save(input);

        var refused = Assert.Throws<BoltException>(() => BoltRepairer.Repair(input, _dir.File("refused.db")));
        Assert.Contains("look like a root bucket: 35, 36", refused.Message);
        Assert.False(File.Exists(_dir.File("refused.db")));

        string output = _dir.File("from-root.db");
        var report = BoltRepairer.Repair(input, output, new RepairOptions { RootPage = 36 });
        Assert.True(report.Succeeded, string.Join("\n", report.OutputCheck.Problems));
        Assert.Null(report.MetaUsed);
        Assert.Equal(36ul, report.RootPage);
        Assert.Empty(report.Dropped);
        var good = GoodContents();
        var actual = ReadAll(output);
        foreach (var (bucket, entries) in good)
            Assert.Equal(entries, actual[bucket]);
    }

    [Fact]
    public void EmptyDatabaseRepairsToAnEmptyCleanFile()
    {
        string input = _dir.File("empty.db");
        using (BoltDb.Open(input, new BoltOptions { NoSync = true })) { }
        string output = _dir.File("empty.repaired.db");
        var report = BoltRepairer.Repair(input, output);
        Assert.True(report.Succeeded, string.Join("\n", report.OutputCheck.Problems));
        Assert.Equal(0, report.KeysKept);
        Assert.Equal(0, report.BucketsKept);
        Assert.Empty(ReadAll(output));
    }

    [Fact]
    public void RefusesToWriteInPlaceOrOverAnExistingFile()
    {
        string input = ToolFixtures.CopyTo(ToolFixtures.BranchDoubleReference, _dir);
        byte[] before = File.ReadAllBytes(input);
        Assert.Throws<BoltException>(() => BoltRepairer.Repair(input, input));
        string existing = _dir.File("existing.db");
        File.WriteAllText(existing, "keep me");
        Assert.Throws<BoltException>(() => BoltRepairer.Repair(input, existing));
        Assert.Equal("keep me", File.ReadAllText(existing));
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void FuzzedSnapshotsRepairIntoCleanFiles()
    {
        var random = new Random(11);
        byte[] original = File.ReadAllBytes(ToolFixtures.Snapshot)[..^RawPageFile.SnapshotTrailerLength];
        for (int round = 0; round < 25; round++)
        {
            var surgery = new FileSurgery((byte[])original.Clone());
            for (int f = 0; f < 4; f++)
            {
                int page = random.Next(2, original.Length / 4096);
                surgery.Bytes[page * 4096 + random.Next(16 + 16 * 20)] ^= (byte)(1 << random.Next(8));
            }
            string input = _dir.File($"fuzz-{round}.db");
            string output = _dir.File($"fuzz-{round}.repaired.db");
            surgery.Save(input);
            var report = BoltRepairer.Repair(input, output);
            Assert.True(report.Succeeded, $"round {round}: {string.Join("\n", report.OutputCheck.Problems)}");
        }
    }
}
