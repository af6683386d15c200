// `fastkvutl db`: offline tools for bolt page files (FastKv's and etcd's member/snap/db, and etcd
// snapshot files). This file only assembles the subcommands; each lives in its own file.
using System.CommandLine;

namespace FastKv.Util.Db;

internal static class DbCommands
{
    public static Command Build()
    {
        var db = new Command("db", "Inspect, check, repair, compact and benchmark bolt page files (FastKv's and etcd's member/snap/db or snapshot files).");
        db.Subcommands.Add(CheckCommand.Build());
        db.Subcommands.Add(InfoCommand.Build());
        db.Subcommands.Add(StatsCommand.Build());
        db.Subcommands.Add(PagesCommand.Build());
        db.Subcommands.Add(PageCommand.Build());
        db.Subcommands.Add(DumpCommand.Build());
        db.Subcommands.Add(CompactCommand.Build());
        db.Subcommands.Add(RepairCommand.Build());
        db.Subcommands.Add(BenchCommand.Build());
        return db;
    }
}
