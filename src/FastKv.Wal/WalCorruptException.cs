// The error for a WAL that cannot be read as written: it always names the file and byte offset, so an
// operator can inspect the damage (fastkvutl wal verify) and decide on a repair.
namespace FastKv.Wal;

public sealed class WalCorruptException(string file, long offset, string problem)
    : IOException($"{file}: damaged WAL at offset {offset}: {problem}")
{
    public string File { get; } = file;
    public long Offset { get; } = offset;
    public string Problem { get; } = problem;
}
