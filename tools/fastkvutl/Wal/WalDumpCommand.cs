// `fastkvutl wal dump <dir>`: what etcd-dump-logs shows, from FastKv's reader: the metadata, the last
// hard state, snapshot markers, and one line per entry (term, index, type, size, decoded summary).
// --records lists every record instead, with its segment and offset. Read-only; takes no lock.
using System.CommandLine;
using FastKv.Wal;

namespace FastKv.Util.Wal;

internal static class WalDumpCommand
{
    public static Command Build()
    {
        var dir = WalArguments.Directory();
        var startIndex = new Option<ulong>("--start-index") { Description = "Show entries after this index (and start reading at the segment that holds it)" };
        var records = new Option<bool>("--records") { Description = "List every record (crc, metadata, state, snapshot, entry) with segment and offset" };
        var command = new Command("dump", "Print a WAL's metadata, hard state and entries, decoding etcd requests (like etcd-dump-logs).")
        {
            dir, startIndex, records,
        };
        command.SetAction(parse => parse.GetValue(records)
            ? DumpRecords(WalArguments.Resolve(parse.GetValue(dir)), Console.Out)
            : DumpEntries(WalArguments.Resolve(parse.GetValue(dir)), parse.GetValue(startIndex), Console.Out));
        return command;
    }

    public static int DumpEntries(string dir, ulong startIndex, TextWriter output)
    {
        var contents = WalReader.ReadAll(dir, new WalSnapshot(startIndex, 0), requireSnapshot: false);
        output.WriteLine($"WAL: {dir} ({SegmentName.List(dir).Count} segments)");
        output.WriteLine(DescribeMetadata(contents.Metadata));
        var hs = contents.HardState;
        output.WriteLine($"hard state: term={hs.Term} vote={hs.Vote:x} commit={hs.Commit}");
        foreach (var snap in contents.Snapshots)
            output.WriteLine($"snapshot marker: index={snap.Index} term={snap.Term}");
        output.WriteLine($"entries after index {startIndex}: {contents.Entries.Count}, last index {contents.LastIndex}");
        output.WriteLine($"{"term",8} {"index",10}  {"type",-6} {"size",7}  data");
        foreach (var e in contents.Entries)
            output.WriteLine($"{e.Term,8} {e.Index,10}  {EntrySummary.TypeName(e.Type),-6} {e.Data.Length,7}  {EntrySummary.Describe(e)}");
        WriteEnd(contents.Scan, output);
        return ToolRunner.Ok;
    }

    public static int DumpRecords(string dir, TextWriter output)
    {
        output.WriteLine($"{"segment",-38} {"offset",10}  {"type",-8} {"size",7}  detail");
        var scan = WalReader.Scan(dir, (type, data, segment, offset) =>
        {
            string detail = type switch
            {
                RecordType.Entry => Entry(data),
                RecordType.State => HardState.Decode(data) is var s ? $"term={s.Term} vote={s.Vote:x} commit={s.Commit}" : "",
                RecordType.Snapshot => WalSnapshot.Decode(data) is var w ? $"index={w.Index} term={w.Term}" : "",
                RecordType.Metadata => DescribeMetadata(data.ToArray()),
                _ => "",
            };
            output.WriteLine($"{segment.FileName,-38} {offset,10}  {type.ToString().ToLowerInvariant(),-8} {data.Length,7}  {detail}");
        });
        WriteEnd(scan, output);
        return scan.End == ScanEnd.Damaged ? ToolRunner.ProblemsFound : ToolRunner.Ok;
    }

    private static string Entry(ReadOnlySpan<byte> data)
    {
        var e = RaftEntry.Decode(data);
        return $"term={e.Term} index={e.Index} {EntrySummary.TypeName(e.Type)} {EntrySummary.Describe(e)}";
    }

    internal static string DescribeMetadata(byte[] metadata)
    {
        if (metadata.Length == 0)
            return "metadata: (none)";
        try
        {
            var m = MemberMetadata.Decode(metadata);
            return $"metadata: nodeID={m.NodeId:x} clusterID={m.ClusterId:x}";
        }
        catch (InvalidDataException)
        {
            return $"metadata: {metadata.Length} bytes 0x{Convert.ToHexStringLower(metadata)}";
        }
    }

    internal static void WriteEnd(ScanResult scan, TextWriter output)
    {
        switch (scan.End)
        {
            case ScanEnd.Clean:
                output.WriteLine($"end: clean after {scan.RecordCount} records, crc chain verified (0x{scan.Crc:x8})");
                break;
            case ScanEnd.TornTail:
                output.WriteLine($"end: torn tail at {scan.ProblemFile} offset {scan.ProblemOffset} ({scan.Problem}); a writer zeroes it on open");
                break;
            default:
                output.WriteLine($"end: DAMAGED at {scan.ProblemFile} offset {scan.ProblemOffset}: {scan.Problem}");
                break;
        }
    }
}
