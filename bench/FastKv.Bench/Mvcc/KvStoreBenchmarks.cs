// The key space's hot paths on a 10,000-key store (40-byte keys, 128-byte values): a range of
// one key and of 100 keys from a reader thread's view, and put and txn applies on the apply
// thread with the backend committing on its usual schedule. Each category compares the path
// that builds protobuf messages (the baseline row) with the one the server uses: WriteRange
// (wire bytes into a reused buffer) and ApplyPut / ApplyTxn (no response objects). The
// *Compacted rows are the steady state of a member running auto-compaction: the same applies
// with a compaction every 1,000 revisions (ApplyCompact, its index pass and page-file sweep
// inside the measured loop), so history stays bounded; they allocate nothing per operation but
// each batch commit's fixed share (a few KB per commit of up to 10,000 writes).
// Run: dotnet run -c Release --project bench/FastKv.Bench -- --filter '*KvStore*' --job short
using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Kv;
using FastKv.Mvcc.Storage;
using Google.Protobuf;

namespace FastKv.Bench.Mvcc;

[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class KvStoreBenchmarks
{
    private const int Keys = 10_000;
    private string _dir = "";
    private Backend _backend = null!;
    private KvStore _kv = null!;
    private RangeRequest _one = null!;
    private RangeRequest _hundred = null!;
    private PutRequest[] _puts = null!;
    private TxnRequest[] _txns = null!;
    private int _next;
    private const int CompactEvery = 1000;
    private int _sinceCompaction;
    private readonly ArrayBufferWriter<byte> _wire = new(64 * 1024);
    private static readonly ResponseHeaderFields Member = new(0x1234_5678_9ABC_DEF0, 0x0FED_CBA9_8765_4321, 2);

    private static ByteString Key(int i) => ByteString.CopyFromUtf8($"/registry/configmaps/default/cm-{i:D6}");

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("fastkv-bench-kv-").FullName;
        _backend = Backend.Open(Path.Combine(_dir, "db"), new BackendOptions { NoSync = true });
        _kv = new KvStore(_backend);
        var value = ByteString.CopyFrom(new byte[128]);
        for (int i = 0; i < Keys; i++)
        {
            _kv.Put(new PutRequest { Key = Key(i), Value = value });
            _backend.CommitIfDue();
        }
        _backend.Commit();
        _one = new RangeRequest { Key = Key(4242) };
        _hundred = new RangeRequest { Key = Key(5000), RangeEnd = Key(5100) };
        _puts = Enumerable.Range(0, 1024).Select(i => new PutRequest { Key = Key(i * 7 % Keys), Value = value }).ToArray();
        _txns = Enumerable.Range(0, 1024).Select(i =>
        {
            // A compare-and-swap on one key, the shape of Kubernetes' updates.
            var t = new TxnRequest();
            t.Compare.Add(new Compare { Key = Key(i * 13 % Keys), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Greater, ModRevision = 0 });
            t.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Key(i * 13 % Keys), Value = value } });
            t.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = Key(i * 13 % Keys) } });
            return t;
        }).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _kv.Dispose();
        _backend.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("RangeOneKey")]
    public RangeResponse RangeOneKey() => _kv.Range(_one);

    [Benchmark, BenchmarkCategory("RangeOneKey")]
    public int RangeOneKeyWire()
    {
        _wire.ResetWrittenCount();
        _kv.WriteRange(_one, Member, _wire);
        return _wire.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Range100Keys")]
    public RangeResponse Range100Keys() => _kv.Range(_hundred);

    [Benchmark, BenchmarkCategory("Range100Keys")]
    public int Range100KeysWire()
    {
        _wire.ResetWrittenCount();
        _kv.WriteRange(_hundred, Member, _wire);
        return _wire.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("PutApply")]
    public PutResponse PutApply()
    {
        var r = _kv.Put(_puts[_next++ & 1023]);
        _backend.CommitIfDue();
        return r;
    }

    [Benchmark, BenchmarkCategory("PutApply")]
    public long PutApplyNoResponse()
    {
        var rev = _kv.ApplyPut(_puts[_next++ & 1023]);
        _backend.CommitIfDue();
        return rev;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("TxnApply")]
    public TxnResponse TxnApply()
    {
        var r = _kv.Txn(_txns[_next++ & 1023]);
        _backend.CommitIfDue();
        return r;
    }

    [Benchmark, BenchmarkCategory("TxnApply")]
    public TxnOutcome TxnApplyNoResponse()
    {
        var r = _kv.ApplyTxn(_txns[_next++ & 1023]);
        _backend.CommitIfDue();
        return r;
    }

    // History bounded as auto-compaction bounds it: keep the last 1,000 revisions.
    private void CompactWhenDue()
    {
        if (++_sinceCompaction < CompactEvery) return;
        _sinceCompaction = 0;
        _kv.ApplyCompact(_kv.CurrentRevision - CompactEvery);
    }

    [Benchmark, BenchmarkCategory("PutApply")]
    public long PutApplyCompacted()
    {
        var rev = _kv.ApplyPut(_puts[_next++ & 1023]);
        CompactWhenDue();
        _backend.CommitIfDue();
        return rev;
    }

    [Benchmark, BenchmarkCategory("TxnApply")]
    public TxnOutcome TxnApplyCompacted()
    {
        var r = _kv.ApplyTxn(_txns[_next++ & 1023]);
        CompactWhenDue();
        _backend.CommitIfDue();
        return r;
    }
}
