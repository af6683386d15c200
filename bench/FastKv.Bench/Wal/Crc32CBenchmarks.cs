// CRC-32C throughput: the CPU instruction path against the slicing-by-8 table fallback.
// Throughput in GB/s = Size / mean time.
using BenchmarkDotNet.Attributes;
using FastKv.Wal;

namespace FastKv.Bench.Wal;

[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _data = [];

    [Params(256, 4096, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(1).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public uint Hardware() => Crc32C.AppendHardware(0, _data);

    [Benchmark]
    public uint Table() => Crc32C.AppendTable(0, _data);
}
