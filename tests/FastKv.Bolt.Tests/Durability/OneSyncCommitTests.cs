// Power loss during a one-sync commit. Such a commit writes its pages and its meta (with a manifest
// of those pages) and then syncs once, so a crash may leave the new meta on disk while some of its
// pages are old bytes or garbage. The file must then open to exactly the previous commit, FastKv's
// check must name the torn commit, and after a writable open the reference bbolt (which does not
// read manifests) must find the previous commit too and pass its check.
using FastKv.Bolt.Check;
using FastKv.Bolt.Format;
using FastKv.Bolt.Tests.Compat;
using static FastKv.Bolt.Tests.Durability.CrashImages;

namespace FastKv.Bolt.Tests.Durability;

public class OneSyncCommitTests
{
    private static void Load(Tx tx)
    {
        var a = tx.CreateBucketIfNotExists(Bytes.Of("a"));
        for (int i = 0; i < 3000; i++) a.Put(Bytes.Of($"key{i:D5}"), Bytes.Of(new string((char)('a' + i % 26), i % 300)));
    }

    // A commit of a few keys spread over the tree: several leaves, their branches, the root bucket, the freelist.
    private static void SmallCommit(Tx tx)
    {
        var a = tx.GetBucket(Bytes.Of("a"))!;
        a.Put(Bytes.Of("key00007"), Bytes.Of("changed"));
        a.Put(Bytes.Of("key01500x"), new byte[100]);
        a.Delete(Bytes.Of("key02999"));
        tx.CreateBucketIfNotExists(Bytes.Of("b")).Put(Bytes.Of("x"), new byte[9000]); // an overflow value
    }

    private static ManifestCheck ManifestOfInUse(string path)
    {
        using var file = RawPageFile.Open(path);
        return file.Chosen!.Manifest;
    }

    [Fact]
    public void A_small_commit_carries_a_verified_manifest_and_a_large_one_does_not()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path)) db.Update(Load);
        Assert.Equal(ManifestState.None, ManifestOfInUse(path).State);
        using (var db = BoltDb.Open(path)) db.Update(SmallCommit);
        var manifest = ManifestOfInUse(path);
        Assert.Equal(ManifestState.Verified, manifest.State);
        Assert.InRange(manifest.Pages, 4, 20);
        Assert.True(BoltChecker.CheckFile(path).IsClean);
        var (code, output) = ReferenceBbolt.Invoke("check", path);
        Assert.True(code == 0, output);
        // NoSync commits never sync, so they never promise a manifest either.
        using (var db = BoltDb.Open(path, new BoltOptions { NoSync = true })) db.Update(tx => tx.GetBucket(Bytes.Of("a"))!.Put(Bytes.Of("n"), Bytes.Of("1")));
        Assert.Equal(ManifestState.None, ManifestOfInUse(path).State);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_one_sync_commit_missing_any_page_falls_back_to_the_previous_commit(bool noFreelistSync)
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        var options = new BoltOptions { NoFreelistSync = noFreelistSync };
        using (var db = BoltDb.Open(path, options)) db.Update(Load);
        byte[] before = File.ReadAllBytes(path);
        var stateBefore = Content(path);
        ulong txid;
        using (var db = BoltDb.Open(path, options))
        {
            db.Update(SmallCommit);
            txid = db.CurrentMeta.Txid;
        }
        byte[] after = File.ReadAllBytes(path);
        var stateAfter = Content(path);
        Assert.NotEqual(stateBefore, stateAfter);
        Assert.Equal(ManifestState.Verified, ManifestOfInUse(path).State);
        var changed = ChangedDataPages(before, after);
        Assert.InRange(changed.Count, 4, 40);

        var random = new Random(7);
        int images = 0;
        void ExpectPrevious(byte[] image, string what)
        {
            string crash = dir.File($"crash-{images++}.db");
            File.WriteAllBytes(crash, image);
            // Read-only: falls back, leaves the file alone, and the checker names the torn commit.
            Assert.True(stateBefore.SequenceEqual(Content(crash, readOnly: true)), $"after {what} a read-only open does not see the previous commit");
            var report = BoltChecker.CheckFile(crash);
            Assert.Contains(report.Problems, p => p.Rule == CheckRules.TornCommit && p.PageId == txid % 2);
            Assert.Equal(txid - 1, report.Chosen!.Meta.Txid);
            // Writable: falls back and retires the torn meta, after which bbolt agrees.
            using (var db = BoltDb.Open(crash))
            {
                Assert.True(db.FellBackFromTornCommit, what);
                Assert.Equal(txid - 1, db.CurrentMeta.Txid);
                Assert.True(stateBefore.SequenceEqual(Content(db)), $"after {what} the file does not hold the previous commit");
                Assert.True(db.Check().IsClean, what);
            }
            Assert.True(BoltChecker.CheckFile(crash).IsClean, $"after {what} the repaired file does not pass check");
            var (code, output) = ReferenceBbolt.Invoke("check", crash);
            Assert.True(code == 0, $"after {what}: {output}");
            // And the file goes on: a new commit lands on top of the previous one.
            using (var db = BoltDb.Open(crash))
            {
                db.Update(tx => tx.GetBucket(Bytes.Of("a"))!.Put(Bytes.Of("later"), Bytes.Of("1")));
                Assert.True(db.Check().IsClean, what);
            }
            Assert.True(ReferenceBbolt.Invoke("check", crash).Code == 0, what);
        }

        // Each page alone missing, or holding garbage.
        foreach (int p in changed)
        {
            ExpectPrevious(WithPagesLost(before, after, [p], garbage: null), $"page {p} lost");
            ExpectPrevious(WithPagesLost(before, after, [p], random), $"page {p} garbage");
        }
        // Random subsets, including all of them.
        for (int i = 0; i < 6; i++)
        {
            var lost = changed.Where(_ => random.Next(2) == 0).DefaultIfEmpty(changed[0]).ToList();
            ExpectPrevious(WithPagesLost(before, after, lost, i % 2 == 0 ? random : null), $"pages {string.Join(',', lost)} lost");
        }
        ExpectPrevious(WithPagesLost(before, after, changed, null), "every page lost");

        // The meta itself torn at any byte past the 64 bbolt checks: the stale rest of the page is no manifest of this meta.
        int metaAt = (int)(txid % 2) * PageSize;
        foreach (int cut in new[] { 16 + 64, 16 + 64 + 4, 16 + 64 + 16, 16 + 64 + 40, 200 })
        {
            byte[] image = (byte[])after.Clone();
            before.AsSpan(metaAt + cut, PageSize - cut).CopyTo(image.AsSpan(metaAt + cut));
            ExpectPrevious(image, $"the meta page torn at byte {cut}");
        }

        // Everything there: the new commit.
        string whole = dir.File("whole.db");
        File.WriteAllBytes(whole, after);
        Assert.True(stateAfter.SequenceEqual(Content(whole)));
        using (var db = BoltDb.Open(whole)) Assert.False(db.FellBackFromTornCommit);
    }

    [Fact]
    public void A_commit_that_grows_the_file_syncs_twice_so_a_one_sync_meta_past_the_end_means_truncation()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path)) db.Update(tx => tx.CreateBucket(Bytes.Of("a")).Put(Bytes.Of("k"), Bytes.Of("v")));
        long length = new FileInfo(path).Length;
        // Few page runs, but more pages than the file has: the growth is synced before the meta is written.
        using (var db = BoltDb.Open(path)) db.Update(tx => tx.GetBucket(Bytes.Of("a"))!.Put(Bytes.Of("big"), new byte[length + 40000]));
        Assert.True(new FileInfo(path).Length > length);
        Assert.Equal(ManifestState.None, ManifestOfInUse(path).State);

        // A one-sync commit, then the file cut below its high-water mark: no crash leaves that, so it is
        // refused as a truncated file rather than silently opened at the older meta.
        using (var db = BoltDb.Open(path)) db.Update(tx => tx.CreateBucket(Bytes.Of("c")).Put(Bytes.Of("k"), Bytes.Of("w")));
        Assert.Equal(ManifestState.Verified, ManifestOfInUse(path).State);
        long highWater;
        using (var db = BoltDb.Open(path)) highWater = (long)db.CurrentMeta.Pgid * PageSize;
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(highWater - PageSize);
        var e = Assert.ThrowsAny<BoltException>(() => BoltDb.Open(path));
        Assert.Contains("beyond the end of the", e.Message);
        using var file = RawPageFile.Open(path);
        Assert.Equal(ManifestState.Unchecked, file.Chosen!.Manifest.State);
        Assert.Contains(BoltChecker.CheckFile(path).Problems, p => p.Rule == CheckRules.HighWaterBeyondEof);
    }

    [Fact]
    public void Both_metas_unusable_is_refused_with_a_clear_error()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        using (var db = BoltDb.Open(path)) db.Update(Load);
        using (var db = BoltDb.Open(path)) db.Update(SmallCommit);
        byte[] image = File.ReadAllBytes(path);
        // Garbage in a page of the newest commit, and the other meta's checksum broken.
        ulong txid = CurrentTxid(image);
        int pageOfCommit = ManifestPage(image, txid);
        new Random(3).NextBytes(image.AsSpan(pageOfCommit * PageSize, PageSize));
        image[(int)((txid + 1) % 2) * PageSize + 16 + 40] ^= 0xFF;
        File.WriteAllBytes(path, image);
        var e = Assert.ThrowsAny<BoltException>(() => BoltDb.Open(path));
        Assert.Contains("did not fully reach the disk", e.Message);
        Assert.Contains("cannot be used instead", e.Message);
        var report = BoltChecker.CheckFile(path);
        Assert.Null(report.Chosen);
        Assert.Contains(report.Problems, p => p.Rule == CheckRules.TornCommit);
    }

    private static ulong CurrentTxid(byte[] image)
    {
        var m0 = System.Runtime.InteropServices.MemoryMarshal.Read<Meta>(image.AsSpan(16));
        var m1 = System.Runtime.InteropServices.MemoryMarshal.Read<Meta>(image.AsSpan(PageSize + 16));
        return Math.Max(m0.Txid, m1.Txid);
    }

    // The first page the manifest of meta txid lists.
    private static int ManifestPage(byte[] image, ulong txid) =>
        (int)BitConverter.ToUInt64(image, (int)(txid % 2) * PageSize + CommitManifest.Offset + CommitManifest.HeaderSize);
}
