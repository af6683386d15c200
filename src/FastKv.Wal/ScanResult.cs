// How a scan of a WAL ended: cleanly at the end of the records, at a torn tail left by a crash
// mid-write (recoverable: nothing there was ever acknowledged), or at damage (refused).
namespace FastKv.Wal;

public enum ScanEnd
{
    Clean,
    TornTail,
    Damaged,
}

public sealed record ScanResult(
    ScanEnd End,
    string LastFile,
    long ValidEnd,
    string? ProblemFile,
    long ProblemOffset,
    string? Problem,
    uint Crc,
    int RecordCount)
{
    /// <summary>The error a writer raises for damage; torn tails are not errors.</summary>
    public WalCorruptException ToException() => new(ProblemFile ?? LastFile, ProblemOffset, Problem ?? "damaged");
}
