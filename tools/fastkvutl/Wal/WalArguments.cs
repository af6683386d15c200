// The WAL directory argument the wal subcommands share. A data dir is accepted too and resolved to its
// member/wal, since that is what operators most often have at hand.
using System.CommandLine;
using FastKv.Wal;

namespace FastKv.Util.Wal;

internal static class WalArguments
{
    public static Argument<string> Directory() =>
        new("dir") { Description = "WAL directory (member/wal) or a data dir that contains member/wal" };

    public static string Resolve(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException("no WAL directory given");
        if (System.IO.File.Exists(path))
            throw new UsageException($"{path} is a file; give the directory that holds the *.wal segments");
        if (!System.IO.Directory.Exists(path))
            throw new UsageException($"{path}: no such directory");
        if (SegmentName.List(path).Count > 0)
            return path;
        string nested = Path.Combine(path, "member", "wal");
        if (System.IO.Directory.Exists(nested) && SegmentName.List(nested).Count > 0)
            return nested;
        throw new UsageException($"{path} holds no WAL segments (*.wal), nor does {nested}");
    }
}
