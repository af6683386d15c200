// What the page-file property tests compare a file with: three buckets (0 and 1 at the top, 2
// inside 0), each a sorted map of key to value size. Values are derived from key and size by each
// test, so the model need not store them.
namespace FastKv.Bolt.Tests.Properties;

internal sealed class BucketModel
{
    public static readonly byte[][] Names = [Bytes.Of("b0"), Bytes.Of("b1"), Bytes.Of("b2")];

    public readonly SortedDictionary<string, int>?[] Buckets = new SortedDictionary<string, int>?[3];

    public BucketModel Clone()
    {
        var m = new BucketModel();
        for (int i = 0; i < 3; i++)
            if (Buckets[i] is { } b) m.Buckets[i] = new SortedDictionary<string, int>(b, StringComparer.Ordinal);
        return m;
    }

    public static Bucket? Open(Tx tx, int index) =>
        index == 2 ? tx.GetBucket(Names[0])?.GetBucket(Names[2]) : tx.GetBucket(Names[index]);

    /// <summary>The bucket, created in the file and the model if it does not exist yet.</summary>
    public Bucket OpenOrCreate(Tx tx, int index)
    {
        if (Open(tx, index) is { } b) return b;
        if (index == 2)
        {
            Buckets[0] ??= new(StringComparer.Ordinal);
            Buckets[2] = new(StringComparer.Ordinal);
            return tx.CreateBucketIfNotExists(Names[0]).CreateBucket(Names[2]);
        }
        Buckets[index] = new(StringComparer.Ordinal);
        return tx.CreateBucket(Names[index]);
    }

    /// <summary>Deletes the bucket (and, for bucket 0, the bucket inside it) from the file and the model.</summary>
    public void DeleteBucket(Tx tx, int index)
    {
        if (index == 2) { if (Open(tx, 2) is not null) tx.GetBucket(Names[0])!.DeleteBucket(Names[2]); }
        else if (Open(tx, index) is not null) tx.DeleteBucket(Names[index]);
        Buckets[index] = null;
        if (index == 0) Buckets[2] = null;
    }

    /// <summary>
    /// The transaction sees exactly the model: the same buckets, the same keys and value sizes
    /// forward and backward, and every key by point read. With <paramref name="expectedValue"/>
    /// (key, size → bytes) each value's content is checked too.
    /// </summary>
    public void AssertMatches(Tx tx, Func<string, int, byte[]>? expectedValue = null)
    {
        for (int i = 0; i < 3; i++)
        {
            var bucket = Open(tx, i);
            var expected = Buckets[i];
            Assert.Equal(expected is null, bucket is null);
            if (bucket is null || expected is null) continue;

            var forward = new List<(string, int)>();
            var c = bucket.Cursor();
            for (bool ok = c.First(out var k, out var v); ok; ok = c.Next(out k, out v))
                if (!c.IsBucket)
                {
                    string key = Bytes.Text(k);
                    if (expectedValue is not null) Assert.True(v.SequenceEqual(expectedValue(key, v.Length)), key);
                    forward.Add((key, v.Length));
                }
            Assert.Equal(expected.Select(kv => (kv.Key, kv.Value)), forward);

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
    }
}
