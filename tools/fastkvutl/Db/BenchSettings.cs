// The knobs of `fastkvutl db bench`, named and defaulted like `bbolt bench` so runs compare.
namespace FastKv.Util.Db;

internal sealed record BenchSettings(
    int Count,
    int BatchSize,
    bool RandomWrites,
    int KeySize,
    int ValueSize,
    bool NoSync,
    bool NoFreelistSync,
    double FillPercent,
    string? Path,
    bool KeepFile,
    double ReadSeconds,
    int Seed,
    int WarmupKeys)
{
    /// <summary>bbolt's rule: batch size 0 means one transaction for everything.</summary>
    public int EffectiveBatchSize => BatchSize <= 0 ? Count : Math.Min(BatchSize, Count);

    public void Validate()
    {
        if (Count <= 0) throw new UsageException($"--count must be positive (got {Count})");
        if (BatchSize < 0) throw new UsageException($"--batch-size must be 0 (one transaction) or positive (got {BatchSize})");
        if (KeySize < 4 || KeySize > Bolt.BoltLimits.MaxKeySize)
            throw new UsageException($"--key-size must be between 4 and {Bolt.BoltLimits.MaxKeySize} bytes (got {KeySize}); 4 bytes are needed to number the keys");
        if (ValueSize < 0) throw new UsageException($"--value-size must not be negative (got {ValueSize})");
        if (FillPercent < Bolt.BoltLimits.MinFillPercent || FillPercent > Bolt.BoltLimits.MaxFillPercent)
            throw new UsageException($"--fill-percent must be between {Bolt.BoltLimits.MinFillPercent} and {Bolt.BoltLimits.MaxFillPercent} (got {FillPercent})");
        if (WarmupKeys < 0) throw new UsageException($"--warmup-keys must be 0 (no warm-up) or positive (got {WarmupKeys})");
        if (ReadSeconds <= 0) throw new UsageException($"--read-seconds must be positive (got {ReadSeconds})");
        if (Path != null && (File.Exists(Path) || Directory.Exists(Path)))
            throw new UsageException($"--path {Path} already exists; bench writes a new file (remove it or choose another path)");
        if (Path != null && WarmupKeys > 0 && File.Exists(Path + ".warmup"))
            throw new UsageException($"{Path}.warmup already exists; bench warms up in that file and removes it (remove it, or pass --warmup-keys 0)");
    }
}
