// Point reads and cursor steps on a 1M-key page file (8-byte keys, 256-byte values): the read hot
// path must allocate nothing. Run: dotnet run -c Release --project bench/FastKv.Bench -- --filter '*BoltRead*'
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using FastKv.Bolt;

namespace FastKv.Bench.Bolt;

[MemoryDiagnoser]
public class BoltReadBenchmarks
{
    private const int Keys = 1_000_000;
    private const int Batch = 1000;
    private static readonly byte[] BucketName = "bench"u8.ToArray();

    private string _dir = "";
    private BoltDb _db = null!;
    private Tx _tx = null!;
    private Bucket _bucket = null!;
    private Cursor _cursor = null!;
    private byte[][] _lookups = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("fastkv-bench-").FullName;
        _db = BoltDb.Open(Path.Combine(_dir, "bench.db"), new BoltOptions { NoSync = true });
        var value = new byte[256];
        var key = new byte[8];
        for (int start = 0; start < Keys; start += Batch)
        {
            using var tx = _db.BeginWrite();
            var b = tx.CreateBucketIfNotExists(BucketName);
            for (int i = start; i < start + Batch; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(key, (ulong)i);
                b.Put(key, value);
            }
            tx.Commit();
        }
        var random = new Random(1);
        _lookups = new byte[Batch][];
        for (int i = 0; i < Batch; i++)
        {
            _lookups[i] = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(_lookups[i], (ulong)random.Next(Keys));
        }
        _tx = _db.BeginRead();
        _bucket = _tx.GetBucket(BucketName)!;
        _cursor = _bucket.Cursor();
        _cursor.First(out _, out _);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tx.Dispose();
        _db.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int RandomGet()
    {
        int found = 0;
        foreach (var key in _lookups)
            if (_bucket.TryGet(key, out var v)) found += v.Length;
        return found;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int CursorNext()
    {
        int bytes = 0;
        for (int i = 0; i < Batch; i++)
        {
            if (!_cursor.Next(out var k, out var v)) _cursor.First(out k, out v);
            bytes += k.Length + v.Length;
        }
        _next += bytes;
        return bytes;
    }
}
