// The WAL hot path, per entry: encoding a 256-byte entry record (CRC chained) straight into the write
// buffer, and a whole Save (lock, encode, pwrite, fdatasync) on a RAM-backed directory where fdatasync
// costs next to nothing, so what is left is FastKv's own overhead. Both must allocate nothing.
using BenchmarkDotNet.Attributes;
using FastKv.Wal;

namespace FastKv.Bench.Wal;

[MemoryDiagnoser]
public class WalAppendBenchmarks
{
    private readonly RecordEncoder _encoder = new(0);
    private readonly WriteBuffer _buffer = new(1 << 20);
    private readonly RaftEntry[] _batch = new RaftEntry[1];
    private byte[] _payload = [];
    private ulong _index;
    private ScratchWal? _scratch;

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[256];
        new Random(2).NextBytes(_payload);
        _scratch = new ScratchWal("wal");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scratch?.Dispose();
    }

    [Benchmark]
    public int EncodeEntry()
    {
        if (_buffer.Length > (1 << 20) - 4096)
            _buffer.Clear();
        _index++;
        return _encoder.EncodeEntry(_buffer, new RaftEntry(1, _index, _payload));
    }

    [Benchmark]
    public void SaveWithSync()
    {
        _index++;
        _batch[0] = new RaftEntry(1, _index, _payload);
        _scratch!.Log.Save(new HardState(1, 1, _index), _batch);
    }
}

/// <summary>
/// Group commit from 64 concurrent proposals per invocation, on tmpfs: the cost and allocations per
/// proposal of ProposeAsync (pooled waiters), including the thread-pool hop that resumes each caller.
/// </summary>
[MemoryDiagnoser]
public class WalProposeBenchmarks
{
    private const int Concurrent = 64;
    private readonly ValueTask<ulong>[] _pending = new ValueTask<ulong>[Concurrent];
    private byte[] _payload = [];
    private ScratchWal? _scratch;

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[256];
        _scratch = new ScratchWal("propose");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scratch?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Concurrent)]
    public async Task<ulong> Propose64Concurrent()
    {
        for (int i = 0; i < Concurrent; i++)
            _pending[i] = _scratch!.Log.ProposeAsync(1, _payload);
        ulong last = 0;
        for (int i = 0; i < Concurrent; i++)
            last = await _pending[i];
        return last;
    }
}
