// `fastkvutl disk`: is this disk fit for FastKv/etcd? Only the benchmark lives here for now.
using System.CommandLine;

namespace FastKv.Util.Disk;

internal static class DiskCommands
{
    public static Command Build()
    {
        var disk = new Command("disk", "Measure whether a disk is fit for FastKv/etcd (fdatasync latency is the floor of write latency).");
        disk.Subcommands.Add(DiskBenchCommand.Build());
        return disk;
    }
}
