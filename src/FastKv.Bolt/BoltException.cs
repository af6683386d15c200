// Errors the page file reports. Messages name the problem and, for damaged files, what to run.
namespace FastKv.Bolt;

public class BoltException(string message) : Exception(message)
{
    public static BoltException BucketNotFound() => new("bucket not found");
    public static BoltException BucketExists() => new("bucket already exists");
    public static BoltException BucketNameRequired() => new("bucket name required");
    public static BoltException KeyRequired() => new("key required");
    public static BoltException KeyTooLarge() => new($"key too large (max {BoltLimits.MaxKeySize} bytes)");
    public static BoltException ValueTooLarge() => new($"value too large (max {BoltLimits.MaxValueSize} bytes)");
    public static BoltException IncompatibleValue() => new("incompatible value: a key and a bucket share the name");
    public static BoltException TxNotWritable() => new("tx not writable");
    public static BoltException TxClosed() => new("tx closed");
    public static BoltException DatabaseReadOnly() => new("database is in read-only mode");
    public static BoltException DatabaseClosed() => new("database not open");
}

/// <summary>The file is damaged: what was found, and where.</summary>
public sealed class BoltCorruptionException(string message)
    : BoltException($"{message}; run `fastkvutl db check` on the file and `fastkvutl db repair` to write a repaired copy");

/// <summary>Another process (or another open in this one) holds the file's lock.</summary>
public sealed class BoltLockedException(string path)
    : BoltException($"database file {path} is locked by another process (or already open in this one)");

public static class BoltLimits
{
    public const int MaxKeySize = 32768;
    public const int MaxValueSize = int.MaxValue - 1;
    public const int MinKeysPerPage = 2;
    public const double DefaultFillPercent = 0.5;
    public const double MinFillPercent = 0.1;
    public const double MaxFillPercent = 1.0;
    public const int DefaultPageSize = 4096;
    /// <summary>How much a large file grows at a time, so commits rarely change the file size.</summary>
    public const long AllocSize = 16 * 1024 * 1024;
}
