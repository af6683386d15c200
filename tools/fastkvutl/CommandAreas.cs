// The list of command areas the tool offers; each area's builder lives in its own folder.
using System.CommandLine;
using FastKv.Util.Db;
using FastKv.Util.Disk;
using FastKv.Util.Snapshot;
using FastKv.Util.Wal;

namespace FastKv.Util;

internal static class CommandAreas
{
    public static IEnumerable<Command> All() => new Command[]
    {
        DbCommands.Build(),
        WalCommands.Build(),
        DiskCommands.Build(),
        SnapshotCommands.Build(),
    };
}
