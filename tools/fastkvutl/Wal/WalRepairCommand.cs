// `fastkvutl wal repair <dir>`: cuts a damaged WAL back to its last valid record. The damaged segment
// is copied to *.broken first and later segments are set aside as *.broken, so nothing is destroyed.
// Refused while a writer holds the WAL. Exit 0 when the WAL is sound afterwards.
using System.CommandLine;
using FastKv.Wal;

namespace FastKv.Util.Wal;

internal static class WalRepairCommand
{
    public static Command Build()
    {
        var dir = WalArguments.Directory();
        var command = new Command("repair", "Truncate a damaged WAL at its last valid record, keeping the damaged bytes as *.broken.")
        {
            dir,
        };
        command.SetAction(parse => Run(WalArguments.Resolve(parse.GetValue(dir)), Console.Out));
        return command;
    }

    public static int Run(string dir, TextWriter output)
    {
        var report = WalRepair.Repair(dir);
        if (!report.Changed)
        {
            output.WriteLine($"OK: {dir} needs no repair.");
            return ToolRunner.Ok;
        }
        output.WriteLine($"problem: {report.Problem}");
        output.WriteLine($"truncated {report.TruncatedFile} at offset {report.TruncatedAt}, dropping about {report.DroppedBytes} bytes (copy kept as {report.TruncatedFile}{WalRepair.BrokenSuffix})");
        foreach (var path in report.SetAside)
            output.WriteLine($"set aside {path} (it followed the damage and can no longer be chained)");
        return WalVerifyCommand.Run(dir, output);
    }
}
