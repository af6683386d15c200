// `fastkvutl snapshot restore <file>`: etcdctl 3.4's snapshot restore flags, defaults and errors,
// writing a data dir FastKv starts from. The one difference: without --data-dir the target is
// `<name>.fastkv`, FastKv's default data dir, so `fastkv --name <name>` finds it.
using System.CommandLine;
using FastKv.Server.Logging;

namespace FastKv.Util.Snapshot;

internal static class RestoreCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "The snapshot file to restore" };
        var name = new Option<string>("--name") { Description = "Human-readable name for this member", DefaultValueFactory = _ => "default" };
        var dataDir = new Option<string>("--data-dir") { Description = "Path to the data directory (default: <name>.fastkv)", DefaultValueFactory = _ => "" };
        var walDir = new Option<string>("--wal-dir") { Description = "Path to the WAL directory (use --data-dir if none given)", DefaultValueFactory = _ => "" };
        var cluster = new Option<string>("--initial-cluster") { Description = "Initial cluster configuration for restore bootstrap", DefaultValueFactory = _ => "default=http://localhost:2380" };
        var token = new Option<string>("--initial-cluster-token") { Description = "Initial cluster token for the cluster during restore bootstrap", DefaultValueFactory = _ => "etcd-cluster" };
        var peers = new Option<string>("--initial-advertise-peer-urls") { Description = "List of this member's peer URLs to advertise to the rest of the cluster", DefaultValueFactory = _ => "http://localhost:2380" };
        var skip = new Option<bool>("--skip-hash-check") { Description = "Ignore snapshot integrity hash value (required if copied from data directory)" };
        var command = new Command("restore", "Restore a snapshot into a new member data dir (etcdctl snapshot restore); start FastKv on it with the same --name, --initial-cluster and --initial-cluster-token.")
        {
            file, name, dataDir, walDir, cluster, token, peers, skip,
        };
        command.SetAction(parse => SnapshotCommands.Guard(() =>
        {
            var settings = RestoreSettings.Check(parse.GetValue(file) ?? "", parse.GetValue(name) ?? "default", parse.GetValue(dataDir) ?? "",
                parse.GetValue(walDir) ?? "", parse.GetValue(cluster) ?? "", parse.GetValue(token) ?? "", parse.GetValue(peers) ?? "",
                parse.GetValue(skip));
            var log = new JsonLog(Console.OpenStandardError(), LogLevel.Info, "snapshot");
            SnapshotRestorer.Restore(settings, log);
        }));
        return command;
    }
}
