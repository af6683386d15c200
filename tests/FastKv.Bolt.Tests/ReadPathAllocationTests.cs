// The read hot path (point get, cursor step) allocates nothing on the managed heap.
namespace FastKv.Bolt.Tests;

[Collection(AllocationMeasurement.Name)]
public class ReadPathAllocationTests
{
    [Fact]
    public void Get_and_cursor_steps_allocate_nothing()
    {
        using var dir = new TempDir();
        using var db = BoltDb.Open(dir.File("db"), new BoltOptions { NoSync = true });
        var keys = Enumerable.Range(0, 20000).Select(i => BitConverter.GetBytes(i * 7919)).ToArray();
        db.Update(tx =>
        {
            var b = tx.CreateBucket(Bytes.Of("b"));
            foreach (var k in keys) b.Put(k, new byte[100]);
        });
        using var tx = db.BeginRead();
        var bucket = tx.GetBucket(Bytes.Of("b"))!;
        var cursor = bucket.Cursor();
        long found = 0;
        // Warm up so tiering and static initialisation are out of the measurement.
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var k in keys) if (bucket.TryGet(k, out var v)) found += v.Length;
            for (bool ok = cursor.First(out var ck, out var cv); ok; ok = cursor.Next(out ck, out cv)) found += ck.Length;
            for (bool ok = cursor.Last(out var ck, out _); ok; ok = cursor.Prev(out ck, out _)) found++;
            cursor.Seek(keys[17], out _, out _);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1) Assert.Equal(0, allocated);
        }
        Assert.True(found > 0);
    }
}
