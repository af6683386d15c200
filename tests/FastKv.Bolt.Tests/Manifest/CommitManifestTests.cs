// The manifest's building blocks: CRC-32C (the CPU instruction and the table agree, and match the
// standard check value), the meta flag that says a manifest is present, and a manifest round trip
// that any flipped bit breaks.
using FsCheck;
using FsCheck.Fluent;
using FastKv.Bolt.Format;

namespace FastKv.Bolt.Tests.Manifest;

public class CommitManifestTests
{
    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Bytes.Of("123456789")));
        Assert.Equal(0xE3069283u, ~Crc32C.UpdateTable(0xFFFFFFFF, Bytes.Of("123456789")));
        Assert.Equal(0u, Crc32C.Compute(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Crc32C_instruction_and_table_agree_on_any_input()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(), data =>
                Crc32C.Compute(data) == ~Crc32C.UpdateTable(0xFFFFFFFF, data))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Only_a_meta_whose_flags_name_its_own_txid_carries_a_manifest()
    {
        var meta = new Meta { Txid = 41, Flags = CommitManifest.TagFor(41) };
        Assert.True(CommitManifest.IsTagged(meta));
        // bbolt copies the flags forward unchanged into its next commits.
        meta.Txid = 42;
        Assert.False(CommitManifest.IsTagged(meta));
        Assert.False(CommitManifest.IsTagged(new Meta { Txid = 0, Flags = 0 }));
    }

    private static (byte[] Meta, byte[] File) Commit(int pageSize, int runs)
    {
        byte[] file = new byte[pageSize * (2 + runs * 2)];
        new Random(runs).NextBytes(file.AsSpan(2 * pageSize));
        var entries = new ManifestEntry[runs];
        for (int i = 0; i < runs; i++)
        {
            ulong pgid = (ulong)(2 + i * 2);
            uint pages = (uint)(1 + i % 2);
            entries[i] = new ManifestEntry(pgid, pages, CommitManifest.PageCrc(file.AsSpan((int)pgid * pageSize, (int)pages * pageSize)));
        }
        byte[] page = new byte[pageSize];
        var meta = new Meta { Magic = Meta.MagicValue, Version = Meta.VersionValue, PageSize = (uint)pageSize, Txid = 9, Flags = CommitManifest.TagFor(9), Pgid = (ulong)(file.Length / pageSize) };
        meta.Seal();
        System.Runtime.InteropServices.MemoryMarshal.Write(page.AsSpan(16), in meta);
        CommitManifest.Write(page, entries);
        return (page, file);
    }

    private static ManifestCheck Verify(byte[] metaPage, byte[] file, int pageSize)
    {
        var meta = System.Runtime.InteropServices.MemoryMarshal.Read<Meta>(metaPage.AsSpan(16));
        return CommitManifest.Verify(metaPage, meta, pageSize, file.Length, (ulong pgid, uint pages, out ReadOnlySpan<byte> bytes) =>
        {
            bytes = file.AsSpan((int)pgid * pageSize, (int)pages * pageSize);
            return true;
        });
    }

    [Fact]
    public void A_manifest_verifies_until_any_bit_of_it_or_of_a_page_it_lists_flips()
    {
        const int pageSize = 4096;
        var (metaPage, file) = Commit(pageSize, 5);
        Assert.Equal(ManifestState.Verified, Verify(metaPage, file, pageSize).State);
        Assert.Equal(7, Verify(metaPage, file, pageSize).Pages);
        // Pages the commit did not write may change (later commits reuse them): not the manifest's business.
        var unlisted = (byte[])file.Clone();
        unlisted[3 * pageSize + 100] ^= 1;
        Assert.Equal(ManifestState.Verified, Verify(metaPage, unlisted, pageSize).State);
        int manifestEnd = CommitManifest.Offset + CommitManifest.Size(5);
        // Run i starts at page 2 + 2i and covers 1 + i % 2 pages; the pages between runs are not the commit's.
        int[] listed = [2, 4, 5, 6, 8, 9, 10];
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            // A bit in the manifest (header, entries, its CRC) or in a listed page.
            var (m, f) = ((byte[])metaPage.Clone(), (byte[])file.Clone());
            if (i % 2 == 0) m[random.Next(CommitManifest.Offset, manifestEnd)] ^= (byte)(1 << random.Next(8));
            else f[listed[random.Next(listed.Length)] * pageSize + random.Next(pageSize)] ^= (byte)(1 << random.Next(8));
            Assert.Equal(ManifestState.Torn, Verify(m, f, pageSize).State);
        }
    }

    [Fact]
    public void The_largest_manifest_fits_its_meta_page_and_one_more_run_is_refused()
    {
        foreach (int pageSize in new[] { 1024, 4096, 16384 })
        {
            int capacity = CommitManifest.Capacity(pageSize);
            Assert.True(CommitManifest.Offset + CommitManifest.Size(capacity) <= pageSize);
            Assert.True(CommitManifest.Offset + CommitManifest.Size(capacity + 1) > pageSize);
            var (metaPage, file) = Commit(pageSize, capacity);
            Assert.Equal(ManifestState.Verified, Verify(metaPage, file, pageSize).State);
            Assert.Throws<ArgumentException>(() => CommitManifest.Write(new byte[pageSize], new ManifestEntry[capacity + 1]));
        }
    }
}
