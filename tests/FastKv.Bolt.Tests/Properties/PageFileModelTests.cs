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
    private sealed class Model
    {
        // bucket -> key -> value size (values are derived from key and size, so they need not be stored)
        public readonly SortedDictionary<string, int>?[] Buckets = new SortedDictionary<string, int>?[3];

        public Model Clone()
        {
            var m = new Model();
            for (int i = 0; i < 3; i++)
                if (Buckets[i] is { } b) m.Buckets[i] = new SortedDictionary<string, int>(b, StringComparer.Ordinal);
            return m;
        }
    }

    private static byte[] ValueFor(ModelOperation op)
    {
        var v = new byte[op.ValueSize];
        for (int i = 0; i < v.Length; i++) v[i] = (byte)(op.Key * 31 + i);
        return v;
    }

    private static readonly byte[][] Names = [Bytes.Of("b0"), Bytes.Of("b1"), Bytes.Of("b2")];

    private static Bucket? Open(Tx tx, int index) => index switch
    {
        2 => tx.GetBucket(Names[0])?.GetBucket(Names[2]),
        _ => tx.GetBucket(Names[index]),
    };

    private static Bucket OpenOrCreate(Tx tx, int index, Model model)
    {
        if (Open(tx, index) is { } b) return b;
        if (index == 2)
        {
            model.Buckets[0] ??= new(StringComparer.Ordinal);
            model.Buckets[2] = new(StringComparer.Ordinal);
            return tx.CreateBucketIfNotExists(Names[0]).CreateBucket(Names[2]);
        }
        model.Buckets[index] = new(StringComparer.Ordinal);
        return tx.CreateBucket(Names[index]);
    }

    private static void Apply(Tx tx, ModelOperation op, Model model)
    {
        switch (op.Kind)
        {
            case OpKind.Put:
                OpenOrCreate(tx, op.Bucket, model).Put(op.KeyBytes, ValueFor(op));
                model.Buckets[op.Bucket]![Bytes.Text(op.KeyBytes)] = op.ValueSize;
                break;
            case OpKind.Delete:
                Open(tx, op.Bucket)?.Delete(op.KeyBytes);
                model.Buckets[op.Bucket]?.Remove(Bytes.Text(op.KeyBytes));
                break;
            case OpKind.DeleteBucket:
                if (op.Bucket == 2) { if (Open(tx, 0)?.GetBucket(Names[2]) is not null) tx.GetBucket(Names[0])!.DeleteBucket(Names[2]); }
                else if (Open(tx, op.Bucket) is not null) tx.DeleteBucket(Names[op.Bucket]);
                model.Buckets[op.Bucket] = null;
                if (op.Bucket == 0) model.Buckets[2] = null;
                break;
        }
    }

    private static void AssertMatches(BoltDb db, Model model)
    {
        db.View(tx =>
        {
            for (int i = 0; i < 3; i++)
            {
                var bucket = Open(tx, i);
                var expected = model.Buckets[i];
                Assert.Equal(expected is null, bucket is null);
                if (bucket is null || expected is null) continue;

                var actual = new List<(string, int)>();
                var c = bucket.Cursor();
                for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
                    if (!c.IsBucket) actual.Add((Bytes.Text(k), v.Length));
                Assert.Equal(expected.Select(kv => (kv.Key, kv.Value)), actual);

                var backward = new List<string>();
                for (bool ok = c.Last(out var k, out _); ok; ok = c.Prev(out k, out _))
                    if (!c.IsBucket) backward.Add(Bytes.Text(k));
                backward.Reverse();
                Assert.Equal(expected.Keys, backward);

                foreach (var (key, size) in expected)
                {
                    Assert.True(bucket.TryGet(Bytes.Of(key), out var value), key);
                    Assert.Equal(size, value.Length);
                }
            }
        });
    }

    private static bool RunSequence(ModelTransaction[] sequence, bool noFreelistSync)
    {
        using var dir = new TempDir();
        string path = dir.File("model.db");
        var options = new BoltOptions { NoSync = true, NoFreelistSync = noFreelistSync };
        var committed = new Model();
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
