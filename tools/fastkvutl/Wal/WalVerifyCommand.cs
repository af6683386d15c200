// `fastkvutl wal verify <dir>`: reads every segment, checks the CRC chain, framing, segment sequence,
// entry continuity and metadata, and says whether the WAL is sound. Exit 0 when it is (a torn tail
// from a crash is reported but is not damage: nothing acknowledged was lost), 1 when it is damaged.
using System.CommandLine;
using FastKv.Wal;

namespace FastKv.Util.Wal;

internal static class WalVerifyCommand
{
    public static Command Build()
    {
        var dir = WalArguments.Directory();
        var command = new Command("verify", "Verify a WAL: CRC chain, framing, segment sequence, entry continuity. Exit 0 sound, 1 damaged.")
        {
            dir,
        };
        command.SetAction(parse => Run(WalArguments.Resolve(parse.GetValue(dir)), Console.Out));
        return command;
    }

    public static int Run(string dir, TextWriter output)
    {
        var names = SegmentName.List(dir);
        // Entries before the oldest segment's first index may have been purged: check continuity from there.
        ulong from = names[0].FirstIndex == 0 ? 0 : names[0].FirstIndex - 1;
        WalContents contents;
        try
        {
            contents = WalReader.ReadAll(dir, new WalSnapshot(from, 0), requireSnapshot: false);
        }
        catch (WalCorruptException e)
        {
            output.WriteLine($"DAMAGED: {e.File} offset {e.Offset}: {e.Problem}");
            output.WriteLine($"Run `fastkvutl wal repair {dir}` to cut the WAL back to its last valid record (a copy of the damaged segment is kept as *.broken).");
            return ToolRunner.ProblemsFound;
        }
        var entries = contents.Entries;
        string range = entries.Count == 0 ? "no entries" : $"entries {entries[0].Index}..{entries[^1].Index}";
        output.WriteLine($"{names.Count} segments, {contents.Scan.RecordCount} records, {range}, hard state term={contents.HardState.Term} commit={contents.HardState.Commit}, {contents.Snapshots.Count} snapshot markers");
        output.WriteLine(WalDumpCommand.DescribeMetadata(contents.Metadata));
        WalDumpCommand.WriteEnd(contents.Scan, output);
        output.WriteLine(contents.Scan.End == ScanEnd.TornTail
            ? $"OK: {dir} is sound apart from a torn tail left by a crash (unacknowledged data; zeroed when a writer opens it)."
            : $"OK: {dir} is sound.");
        return ToolRunner.Ok;
    }
}
