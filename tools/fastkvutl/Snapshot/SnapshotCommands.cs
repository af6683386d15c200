// `fastkvutl snapshot`: etcdctl's offline snapshot commands (`status`, `restore`) with its flags,
// output and error texts, for etcd's and FastKv's snapshot files. Errors print as etcdctl prints
// them (`Error: ...`) and exit 1; usage errors exit 2 like the tool's other commands.
using System.CommandLine;
using FastKv.Bolt;

namespace FastKv.Util.Snapshot;

internal static class SnapshotCommands
{
    public static Command Build()
    {
        var snapshot = new Command("snapshot", "Inspect etcd/FastKv snapshot files and restore them into a new member's data dir (etcdctl's snapshot status/restore).");
        snapshot.Subcommands.Add(StatusCommand.Build());
        snapshot.Subcommands.Add(RestoreCommand.Build());
        return snapshot;
    }

    /// <summary>Runs an action, printing the failures a snapshot command expects as etcdctl does.</summary>
    public static int Guard(Action action)
    {
        try
        {
            action();
            return ToolRunner.Ok;
        }
        catch (Exception e) when (e is SnapshotException or BoltException or InvalidDataException or IOException or UnauthorizedAccessException
                                      or FastKv.Wal.WalCorruptException or FastKv.Wal.WalLockedException)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"Error: {e.Message}");
            return ToolRunner.ProblemsFound;
        }
    }
}
