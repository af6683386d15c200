// `fastkvutl wal`: offline tools for etcd/FastKv WAL directories (member/wal). This file only assembles
// the subcommands; each lives in its own file.
using System.CommandLine;

namespace FastKv.Util.Wal;

internal static class WalCommands
{
    public static Command Build()
    {
        var wal = new Command("wal", "Inspect, verify and repair WAL directories (FastKv's and etcd's member/wal).");
        wal.Subcommands.Add(WalDumpCommand.Build());
        wal.Subcommands.Add(WalVerifyCommand.Build());
        wal.Subcommands.Add(WalRepairCommand.Build());
        return wal;
    }
}
