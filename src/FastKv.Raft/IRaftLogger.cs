// The logger the host supplies. Raft logs role changes in the phrases operators grep for
// ("became leader at term", "lost leader", ...); it formats strings only when a logger is present.
namespace FastKv.Raft;

public interface IRaftLogger
{
    void Info(string message);
    void Warn(string message);
}
