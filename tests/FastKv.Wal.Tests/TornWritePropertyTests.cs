// Property: a crash in the middle of writing a batch (any subset of the batch's 512-byte sectors reached
// the disk, the rest still zero from preallocation) always reopens: no error, every record of the
// earlier, synced batches intact, and at most a prefix of the interrupted batch.
namespace FastKv.Wal.Tests;

public class TornWritePropertyTests : IDisposable
{
    private const int Sector = 512;
    private static readonly WalOptions Small = new() { SegmentBytes = 1024 * 1024 }; // cheap to create and scan 60 times
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Any_subset_of_an_unsynced_batchs_sectors_reopens_with_every_synced_entry()
    {
        var random = new Random(77);
        for (int trial = 0; trial < 60; trial++)
        {
            string dir = _temp.Sub($"wal{trial}");
            ulong next = 1;
            using (var wal = WriteAheadLog.Create(dir, [1], Small))
            {
                int synced = random.Next(1, 6);
                for (int b = 0; b < synced; b++)
                    next = SaveBatch(wal, next, random);
            }
            string segment = Directory.GetFiles(dir, "*.wal").Single();
            long before = WalReader.ReadAll(dir).Scan.ValidEnd;
            ulong syncedLast = next - 1;
            var beforeBytes = WalTestData.ReadPrefixUnlocked(segment, before + 64 * 1024);

            using (var wal = WriteAheadLog.Open(dir, default, out _, Small))
                next = SaveBatch(wal, next, random);
            long after = WalReader.ReadAll(dir).Scan.ValidEnd;
            var afterBytes = WalTestData.ReadPrefixUnlocked(segment, before + 64 * 1024);
            Assert.True(after - before < 64 * 1024);

            // The crash: each sector the batch touched either landed (new bytes) or did not (old bytes).
            var crashed = (byte[])beforeBytes.Clone();
            for (long sector = before / Sector * Sector; sector < after; sector += Sector)
                if (random.Next(2) == 0)
                    Array.Copy(afterBytes, sector, crashed, sector, Sector);
            WalTestData.WriteUnlocked(segment, crashed);

            WalContents contents;
            using (WriteAheadLog.Open(dir, default, out contents, Small))
            {
            }
            Assert.True(contents.LastIndex >= syncedLast && contents.LastIndex <= next - 1,
                $"trial {trial}: reopened with last index {contents.LastIndex}, synced {syncedLast}, batch ended at {next - 1}");
            for (int i = 0; i < contents.Entries.Count; i++)
                Assert.True(contents.Entries[i].Data.Span.SequenceEqual(WalTestData.Payload((ulong)i + 1, contents.Entries[i].Data.Length)),
                    $"trial {trial}: entry {i + 1} differs");
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Length_word_alone_in_an_unlanded_sector_before_a_landed_header_is_a_torn_tail()
    {
        // One entry per save, so every entry record starts a write batch; find one whose 8-byte length
        // word fills the end of a sector, with its record header starting the next sector.
        string dir = _temp.Sub("wal");
        var random = new Random(5);
        using (var wal = WriteAheadLog.Create(dir, [1]))
            for (ulong i = 1; i <= 400; i++)
                wal.Save(new HardState(1, 1, i), [WalTestData.Entry(i, size: random.Next(1, 700))]);
        var starts = new List<(ulong Index, long Offset)>();
        WalReader.Scan(dir, (type, data, _, offset) =>
        {
            if (type == RecordType.Entry)
                starts.Add((RaftEntry.PeekIndexTerm(data).Index, offset));
        });
        int pick = starts.FindIndex(s => (s.Offset + 8) % Sector == 0 && s.Index < 400);
        Assert.True(pick >= 0, "no entry record with its length word at the end of a sector; change the seed");
        var (index, offset) = starts[pick];
        long batchEnd = starts[pick + 1].Offset;

        // The crash: this batch was the last one written; its first sector (holding only the length word
        // as new bytes) never landed, the following sectors did.
        string segment = Directory.GetFiles(dir, "*.wal").Single();
        var bytes = WalTestData.ReadPrefixUnlocked(segment, batchEnd + 64 * 1024);
        Array.Clear(bytes, (int)batchEnd, bytes.Length - (int)batchEnd);
        Array.Clear(bytes, (int)offset, 8);
        WalTestData.WriteUnlocked(segment, bytes);

        using var reopened = WriteAheadLog.Open(dir, default, out var contents);
        Assert.Equal(ScanEnd.TornTail, contents.Scan.End);
        Assert.Equal(index - 1, contents.LastIndex);
    }

    private static ulong SaveBatch(WriteAheadLog wal, ulong next, Random random)
    {
        int count = random.Next(1, 12);
        var batch = Enumerable.Range(0, count).Select(i => WalTestData.Entry(next + (ulong)i, size: random.Next(1, 1500))).ToArray();
        wal.Save(new HardState(1, 1, next), batch);
        return next + (ulong)count;
    }
}
