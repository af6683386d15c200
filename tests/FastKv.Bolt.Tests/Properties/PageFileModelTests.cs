// Random transaction sequences against a sorted-dictionary model: after every transaction the
// file's content (forward and backward) equals the model's committed state; after every sequence
// the file reopens to the same content and passes the reference bbolt's check; FastKv's own
// checker runs after every transaction.
using FsCheck;
using FsCheck.Fluent;
using FastKv.Bolt.Check;
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests.Properties;

public class PageFileModelTests
{
    private static byte[] ValueFor(ModelOperation op)
    {
        var v = new byte[op.ValueSize];
        for (int i = 0; i < v.Length; i++) v[i] = (byte)(op.Key * 31 + i);
        return v;
    }

    private static void Apply(Tx tx, ModelOperation op, BucketModel model)
    {
        switch (op.Kind)
        {
            case OpKind.Put:
                model.OpenOrCreate(tx, op.Bucket).Put(op.KeyBytes, ValueFor(op));
                model.Buckets[op.Bucket]![Bytes.Text(op.KeyBytes)] = op.ValueSize;
                break;
            case OpKind.Delete:
                BucketModel.Open(tx, op.Bucket)?.Delete(op.KeyBytes);
                model.Buckets[op.Bucket]?.Remove(Bytes.Text(op.KeyBytes));
                break;
            case OpKind.DeleteBucket:
                model.DeleteBucket(tx, op.Bucket);
                break;
        }
    }

    private static void AssertMatches(BoltDb db, BucketModel model) => db.View(tx => model.AssertMatches(tx));

    private static bool RunSequence(ModelTransaction[] sequence, bool noFreelistSync)
    {
        using var dir = new TempDir();
        string path = dir.File("model.db");
        var options = new BoltOptions { NoSync = true, NoFreelistSync = noFreelistSync };
        var committed = new BucketModel();
        var db = BoltDb.Open(path, options);
        try
        {
            foreach (var t in sequence)
            {
                var working = committed.Clone();
                using (var tx = db.BeginWrite())
                {
                    foreach (var op in t.Operations) Apply(tx, op, working);
                    if (t.Commit)
                    {
                        tx.Commit();
                        committed = working;
                    }
                }
                AssertMatches(db, committed);
                var report = db.Check();
                Assert.True(report.IsClean, string.Join("\n", report.Problems));
                if (t.ReopenAfter)
                {
                    db.Dispose();
                    db = BoltDb.Open(path, options);
                    AssertMatches(db, committed);
                }
            }
        }
        finally
        {
            db.Dispose();
        }
        using (db = BoltDb.Open(path, options)) AssertMatches(db, committed);
        var (code, output) = ReferenceBbolt.Invoke("check", path);
        Assert.True(code == 0, output);
        return true;
    }

    [Fact]
    public void Random_transactions_match_a_sorted_dictionary_with_a_persisted_freelist() =>
        Prop.ForAll(ModelGenerators.Sequence.ToArbitrary(), seq => RunSequence(seq, noFreelistSync: false))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(40));

    [Fact]
    public void Random_transactions_match_a_sorted_dictionary_without_a_persisted_freelist() =>
        Prop.ForAll(ModelGenerators.Sequence.ToArbitrary(), seq => RunSequence(seq, noFreelistSync: true))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(40));
}
