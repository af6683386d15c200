// The list of command areas the tool offers; each area's builder lives in its own folder.
using System.CommandLine;

namespace FastKv.Util;

internal static class CommandAreas
{
    public static IEnumerable<Command> All() => new Command[]
    {
        FastKv.Util.Wal.WalCommands.Build(),
        FastKv.Util.Disk.DiskCommands.Build(),
    };
}
