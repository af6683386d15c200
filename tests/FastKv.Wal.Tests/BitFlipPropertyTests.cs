// Property: damaging any single byte of acknowledged WAL data never silently loses entries. The reader
// must either refuse the log (WalCorruptException naming the damaged file) or, when the byte was
// padding that no checksum covers, return every entry unchanged. It may never mistake the damage for a
// torn tail and quietly drop acknowledged records.
namespace FastKv.Wal.Tests;

public class BitFlipPropertyTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_damaged_byte_anywhere_in_acknowledged_records_is_refused_or_harmless()
    {
        string source = _temp.Sub("source");
        using (var wal = WriteAheadLog.Create(source, [7, 7, 7]))
        {
            for (ulong i = 1; i <= 120; i += 4)
                wal.Save(new HardState(1, 1, i), WalTestData.Entries(i, 4, size: 37 + (int)(i % 90)));
        }
        string segment = Directory.GetFiles(source, "*.wal").Single();
        long validEnd = WalReader.ReadAll(source).Scan.ValidEnd;
        // The records plus 64 KiB of the zeroed preallocation: enough tail for every rule, and cheap to rewrite 300 times.
        var original = WalTestData.ReadPrefixUnlocked(segment, validEnd + 65536);
        var expected = WalReader.ReadAll(source).Entries;

        var random = new Random(4242);
        string target = _temp.Sub("target");
        Directory.CreateDirectory(target);
        string copy = Path.Combine(target, Path.GetFileName(segment));
        int refused = 0, harmless = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            int at = random.Next((int)validEnd);
            byte mask = (byte)random.Next(1, 256);
            var damaged = (byte[])original.Clone();
            damaged[at] ^= mask;
            WalTestData.WriteUnlocked(copy, damaged);
            try
            {
                var contents = WalReader.ReadAll(target);
                Assert.True(contents.Entries.Count == expected.Count,
                    $"byte {at} ^ 0x{mask:x2}: read {contents.Entries.Count} of {expected.Count} entries without an error ({contents.Scan.End}: {contents.Scan.Problem})");
                for (int i = 0; i < expected.Count; i++)
                    Assert.True(expected[i].Data.Span.SequenceEqual(contents.Entries[i].Data.Span), $"byte {at}: entry {i + 1} changed silently");
                harmless++;
            }
            catch (WalCorruptException e)
            {
                Assert.Equal(copy, e.File);
                refused++;
            }
        }
        Assert.True(refused > 250, $"only {refused} of 300 damaged copies were refused ({harmless} harmless)");
    }
}
