// A crash mid-write leaves a torn tail that is recovered; a damaged record anywhere it cannot be a crash
// artefact is refused, naming the file and offset, and only cut back on an explicit repair.
namespace FastKv.Wal.Tests;

public class TornTailAndDamageTests : IDisposable
{
    private readonly TempDir _temp = new();
    private string Dir => _temp.Sub("wal");

    public void Dispose() => _temp.Dispose();

    private Dictionary<ulong, (string File, long Offset)> WriteEntries(int count, int size, WalOptions? options = null)
    {
        using (var wal = WriteAheadLog.Create(Dir, [1, 2, 3], options))
        {
            for (ulong i = 1; i <= (ulong)count; i += 10)
                wal.Save(new HardState(1, 1, i), WalTestData.Entries(i, (int)Math.Min(10, (ulong)count - i + 1), size: size));
        }
        return EntryFrames();
    }

    private Dictionary<ulong, (string File, long Offset)> EntryFrames()
    {
        var frames = new Dictionary<ulong, (string, long)>();
        WalReader.Scan(Dir, (type, data, segment, offset) =>
        {
            if (type == RecordType.Entry)
                frames[RaftEntry.PeekIndexTerm(data).Index] = (Path.Combine(Dir, segment.FileName), offset);
        });
        return frames;
    }

    private static long FrameLength(string file, long offset)
    {
        var word = WalTestData.ReadPrefixUnlocked(file, offset + 8).AsSpan((int)offset);
        FrameSize.TryDecode(BitConverter.ToUInt64(word), out long bytes, out int pad);
        return bytes + pad;
    }

    private static void Overwrite(string file, long offset, byte[] bytes) => WalTestData.PatchUnlocked(file, offset, bytes);

    private static void FlipByte(string file, long offset) => WalTestData.FlipUnlocked(file, offset);

    [Fact]
    public void Torn_tail_with_unwritten_sectors_is_recovered_zeroed_and_appendable()
    {
        var frames = WriteEntries(50, 600);
        var (file, offset) = frames[50];
        long frame = FrameLength(file, offset);
        Overwrite(file, offset + 8, new byte[frame]); // length word landed, data sectors did not

        using (var wal = WriteAheadLog.Open(Dir, default, out var contents))
        {
            Assert.Equal(ScanEnd.TornTail, contents.Scan.End);
            WalTestData.AssertEntries(contents.Entries, 1, 49, size: 600);
            var bytes = WalTestData.ReadUnlocked(file);
            Assert.True(bytes.AsSpan((int)offset).IndexOfAnyExcept((byte)0) < 0, "the torn tail must be zeroed");
            wal.Save(new HardState(1, 1, 50), [WalTestData.Entry(50, size: 600)]);
        }
        WalTestData.AssertEntries(WalReader.ReadAll(Dir).Entries, 1, 50, size: 600);
    }

    [Fact]
    public void Record_cut_short_by_end_of_file_is_a_torn_tail()
    {
        var frames = WriteEntries(30, 200);
        var (file, offset) = frames[30];
        WalTestData.TruncateUnlocked(file, offset + 8 + 50);
        using (WriteAheadLog.Open(Dir, default, out var contents))
        {
            Assert.Equal(ScanEnd.TornTail, contents.Scan.End);
            WalTestData.AssertEntries(contents.Entries, 1, 29, size: 200);
        }
        Assert.Equal(64_000_000, new FileInfo(file).Length); // re-preallocated for appending
    }

    [Fact]
    public void Stray_bytes_just_after_the_end_marker_are_a_torn_tail()
    {
        var frames = WriteEntries(20, 100);
        var (file, offset) = frames[20];
        long end = offset + 8 + FrameLength(file, offset);
        end = end + 8 - end % 8; // past the state record that follows
        Overwrite(file, end + 4096, [0xDE, 0xAD, 0xBE, 0xEF]);
        using (WriteAheadLog.Open(Dir, default, out var contents))
        {
            Assert.Equal(ScanEnd.TornTail, contents.Scan.End);
            WalTestData.AssertEntries(contents.Entries, 1, 20, size: 100);
        }
        Assert.Equal(ScanEnd.Clean, WalReader.ReadAll(Dir).Scan.End);
    }

    [Fact]
    public void Flipped_byte_in_a_middle_record_is_refused_with_file_and_offset_and_nothing_is_cut()
    {
        var frames = WriteEntries(50, 100);
        var (file, offset) = frames[25];
        FlipByte(file, offset + 20);
        var before = WalTestData.ReadUnlocked(file);
        var error = Assert.Throws<WalCorruptException>(() => WriteAheadLog.Open(Dir, default, out _));
        Assert.Equal(file, error.File);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(file, error.Message);
        Assert.Contains(offset.ToString(), error.Message);
        Assert.Throws<WalCorruptException>(() => WalReader.ReadAll(Dir));
        Assert.Equal(before, WalTestData.ReadUnlocked(file));
    }

    [Fact]
    public void Flipped_byte_in_the_last_record_is_damage_not_a_torn_tail()
    {
        var frames = WriteEntries(10, 100);
        var (file, offset) = frames[10];
        FlipByte(file, offset + 30);
        var error = Assert.Throws<WalCorruptException>(() => WriteAheadLog.Open(Dir, default, out _));
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Zeroed_sectors_with_much_more_data_after_them_are_damage()
    {
        // 20 MiB of acknowledged records after the hole: more than a crash can leave unsynced.
        var frames = WriteEntries(5200, 4000);
        var (file, offset) = frames[10];
        Overwrite(file, offset + 8, new byte[FrameLength(file, offset)]);
        var error = Assert.Throws<WalCorruptException>(() => WriteAheadLog.Open(Dir, default, out _));
        Assert.Equal(offset, error.Offset);
        Assert.Contains("not a torn tail", error.Message);
    }

    [Fact]
    public void Torn_looking_damage_in_an_earlier_segment_is_refused()
    {
        var options = new WalOptions { SegmentBytes = 32 * 1024 };
        var frames = WriteEntries(600, 200, options);
        var (file, offset) = frames[5];
        Assert.NotEqual(WalTestData.LastSegment(Dir), file);
        Overwrite(file, offset + 8, new byte[FrameLength(file, offset)]);
        var error = Assert.Throws<WalCorruptException>(() => WriteAheadLog.Open(Dir, default, out _, options));
        Assert.Equal(file, error.File);
    }

    [Fact]
    public void A_missing_segment_is_refused()
    {
        var options = new WalOptions { SegmentBytes = 32 * 1024 };
        WriteEntries(600, 200, options);
        var names = SegmentName.List(Dir);
        File.Delete(Path.Combine(Dir, names[1].FileName));
        Assert.Throws<WalCorruptException>(() => WriteAheadLog.Open(Dir, default, out _, options));
    }

    [Fact]
    public void Repair_cuts_back_to_the_last_valid_record_and_keeps_the_evidence()
    {
        var options = new WalOptions { SegmentBytes = 32 * 1024 };
        var frames = WriteEntries(600, 200, options);
        var (file, offset) = frames[100];
        FlipByte(file, offset + 12);
        var later = SegmentName.List(Dir).Where(n => string.CompareOrdinal(Path.Combine(Dir, n.FileName), file) > 0).ToList();
        Assert.NotEmpty(later);

        var report = WalRepair.Repair(Dir);
        Assert.True(report.Changed);
        Assert.Equal(file, report.TruncatedFile);
        Assert.Equal(offset, report.TruncatedAt);
        Assert.True(report.DroppedBytes > 0);
        Assert.True(File.Exists(file + ".broken"));
        Assert.Equal(later.Count, report.SetAside.Count);

        using (WriteAheadLog.Open(Dir, default, out var contents, options))
            WalTestData.AssertEntries(contents.Entries, 1, 99, size: 200);
        Assert.False(WalRepair.Repair(Dir).Changed);
    }

    [Fact]
    public void Repair_refuses_a_wal_that_a_writer_holds()
    {
        WriteEntries(5, 10);
        using var wal = WriteAheadLog.Open(Dir, default, out _);
        Assert.Throws<WalLockedException>(() => WalRepair.Repair(Dir));
    }
}
