// `fastkvutl snapshot status <file> [-w simple|table|json|fields]`: etcdctl 3.4's snapshot status,
// with the same numbers and the same bytes on stdout for the same file.
using System.CommandLine;

namespace FastKv.Util.Snapshot;

internal static class StatusCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("file") { Description = "The snapshot file (etcdctl snapshot save output, or a member's member/snap/db)" };
        var format = new Option<string>("--write-out", "-w")
        {
            Description = "Output format: simple, table, json or fields (protobuf is refused, as etcdctl refuses it)",
            DefaultValueFactory = _ => "simple",
        };
        var command = new Command("status", "Print a snapshot file's hash, revision, total keys and size, as etcdctl snapshot status does.")
        {
            file,
            format,
        };
        command.SetAction(parse => SnapshotCommands.Guard(() =>
        {
            var style = parse.GetValue(format) ?? "simple";
            if (!StatusOutput.Formats.Contains(style))
                throw new SnapshotException("unsupported output format");
            var status = SnapshotFileStatus.Read(parse.GetValue(file) ?? "");
            Console.Out.Write(StatusOutput.Render(status, style));
        }));
        return command;
    }
}
