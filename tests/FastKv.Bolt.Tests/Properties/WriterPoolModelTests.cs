// Write transactions reuse nodes, lists, maps, cursors and arena chunks (WriterPool), so a node
// still reachable after being handed back would corrupt a later transaction. Here many random
// transactions run on one open file (the pool carries over between them): puts that split
// leaves, deletes and cursor deletes that empty and merge them, nested buckets created and
// deleted, rollbacks. Inside each transaction every bucket is read back (point reads and
// scans both ways) against a sorted-dictionary model after every few operations; after each
// transaction the committed content, a reader that started before it, and the checker agree.
using FsCheck;
using FsCheck.Fluent;
using FastKv.Bolt.Check;

namespace FastKv.Bolt.Tests.Properties;

public class WriterPoolModelTests
{
    public enum Kind { Put, Delete, CursorDelete, DeleteBucket, ReadBack }

    public sealed record Op(Kind Kind, int Bucket, int Key, int Size)
    {
        public override string ToString() => $"{Kind}(b{Bucket},k{Key},{Size})";
    }

    public sealed record Txn(Op[] Ops, bool Commit)
    {
        public override string ToString() => $"[{string.Join(' ', Ops.Select(o => o.ToString()))}] {(Commit ? "commit" : "rollback")}";
    }

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency((10, Gen.Constant(Kind.Put)), (4, Gen.Constant(Kind.Delete)), (2, Gen.Constant(Kind.CursorDelete)),
            (1, Gen.Constant(Kind.DeleteBucket)), (2, Gen.Constant(Kind.ReadBack)))
        from bucket in Gen.Choose(0, 2)
        from key in Gen.Choose(0, 400)
        from size in Gen.Frequency((8, Gen.Choose(0, 200)), (3, Gen.Choose(200, 1500)), (1, Gen.Choose(3000, 9000)))
        select new Op(kind, bucket, key, size);

    private static readonly Gen<Txn[]> SequenceGen =
        from length in Gen.Choose(5, 40)
        from txs in Gen.ArrayOf(
            from count in Gen.Frequency((3, Gen.Choose(1, 30)), (1, Gen.Choose(150, 500)))
            from ops in Gen.ArrayOf(OpGen, count)
            from commit in Gen.Frequency((5, Gen.Constant(true)), (1, Gen.Constant(false)))
            select new Txn(ops, commit), length)
        select txs;

    private static byte[] KeyOf(int key) => Bytes.Of($"key-{key:D5}");

    private static byte[] ValueOf(string key, int size)
    {
        var v = new byte[size];
        for (int i = 0; i < size; i++) v[i] = (byte)(key[^1] + key[^2] * 7 + i);
        return v;
    }

    private static void Apply(Tx tx, Op op, BucketModel model)
    {
        string key = Bytes.Text(KeyOf(op.Key));
        switch (op.Kind)
        {
            case Kind.Put:
            {
                var b = model.OpenOrCreate(tx, op.Bucket);
                b.Put(KeyOf(op.Key), ValueOf(key, op.Size));
                model.Buckets[op.Bucket]![key] = op.Size;
                // The write is visible at once, through the node it went into.
                Assert.True(b.TryGet(KeyOf(op.Key), out var v));
                Assert.Equal(op.Size, v.Length);
                break;
            }
            case Kind.Delete:
                BucketModel.Open(tx, op.Bucket)?.Delete(KeyOf(op.Key));
                model.Buckets[op.Bucket]?.Remove(key);
                break;
            case Kind.CursorDelete:
            {
                // Deletes a run of up to Size % 40 keys from Key on, the way compaction sweeps.
                if (BucketModel.Open(tx, op.Bucket) is not { } b) break;
                var c = b.Cursor();
                int n = op.Size % 40;
                for (bool ok = c.Seek(KeyOf(op.Key), out var k, out _); ok && n > 0; ok = c.Next(out k, out _))
                {
                    if (c.IsBucket) continue;
                    model.Buckets[op.Bucket]!.Remove(Bytes.Text(k));
                    c.Delete();
                    n--;
                }
                break;
            }
            case Kind.DeleteBucket:
                model.DeleteBucket(tx, op.Bucket);
                break;
            case Kind.ReadBack:
                AssertMatches(tx, model);
                break;
        }
    }

    private static void AssertMatches(Tx tx, BucketModel model) => model.AssertMatches(tx, ValueOf);

    private static bool Run(Txn[] sequence)
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("pool.db"), new BoltOptions { NoSync = true });
        var committed = new BucketModel();
        foreach (var t in sequence)
        {
            var working = committed.Clone();
            var before = committed;
            // A reader from before the transaction keeps seeing the state it started with.
            using var reader = db.BeginRead();
            using (var tx = db.BeginWrite())
            {
                foreach (var op in t.Ops) Apply(tx, op, working);
                AssertMatches(tx, working);
                if (t.Commit)
                {
                    tx.Commit();
                    committed = working;
                }
            }
            db.View(tx => AssertMatches(tx, committed));
            var report = db.Check();
            Assert.True(report.IsClean, string.Join("\n", report.Problems));
            AssertMatches(reader, before);
        }
        return true;
    }

    [Fact]
    public void Many_transactions_on_one_file_match_the_model_with_reused_nodes() =>
        Prop.ForAll(SequenceGen.ToArbitrary(), Run).Check(Config.QuickThrowOnFailure.WithMaxTest(30));
}
