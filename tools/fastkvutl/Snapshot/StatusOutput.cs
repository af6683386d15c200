// `snapshot status` in etcdctl's output formats, byte for byte: simple (one comma-separated line),
// table, json (one compact object) and fields ("Name" : value lines). protobuf has no message
// for this and is refused, as etcdctl refuses it.
using System.Globalization;

namespace FastKv.Util.Snapshot;

internal static class StatusOutput
{
    public static readonly string[] Formats = ["simple", "table", "json", "fields", "protobuf"];

    public static string Render(SnapshotFileStatus s, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var hash = s.Hash.ToString("x", inv);
        return format switch
        {
            "simple" => $"{hash}, {s.Revision.ToString(inv)}, {s.TotalKey.ToString(inv)}, {HumanBytes.Format(s.TotalSize)}\n",
            "table" => TextTable.Render(["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"],
                [[hash, s.Revision.ToString(inv), s.TotalKey.ToString(inv), HumanBytes.Format(s.TotalSize)]]),
            "json" => string.Create(inv, $"{{\"hash\":{s.Hash},\"revision\":{s.Revision},\"totalKey\":{s.TotalKey},\"totalSize\":{s.TotalSize}}}\n"),
            "fields" => string.Create(inv, $"\"Hash\" : {s.Hash}\n\"Revision\" : {s.Revision}\n\"Keys\" : {s.TotalKey}\n\"Size\" : {s.TotalSize}\n"),
            "protobuf" => throw new SnapshotException("protobuf not supported as output format"),
            _ => throw new SnapshotException("unsupported output format"),
        };
    }
}
