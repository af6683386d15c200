namespace FastKv.Wal.Tests;

public class SnapshotStoreTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static RaftSnapshot Snapshot(ulong term, ulong index) =>
        new(WalTestData.Payload(index, 1000), index, term, new ConfState { Voters = [1, 2, 3], Learners = [9] });

    [Fact]
    public void Saved_snapshot_loads_back_with_data_and_membership()
    {
        var store = new SnapshotStore(_temp.Sub("snap"));
        string path = store.Save(Snapshot(2, 100));
        Assert.Equal("0000000000000002-0000000000000064.snap", Path.GetFileName(path));
        var loaded = store.LoadNewest();
        Assert.NotNull(loaded);
        Assert.Equal(100UL, loaded.Index);
        Assert.Equal(2UL, loaded.Term);
        Assert.Equal(WalTestData.Payload(100, 1000), loaded.Data);
        Assert.True(loaded.ConfState.ContentEquals(new ConfState { Voters = [1, 2, 3], Learners = [9] }));
    }

    [Fact]
    public void File_is_crc_then_data_with_the_crc_of_the_data()
    {
        var bytes = SnapshotFile.Encode(Snapshot(1, 5));
        Assert.Equal(0x08, bytes[0]); // field 1, varint
        int p = 1;
        uint crc = (uint)ProtoWire.ReadVarint(bytes, ref p);
        Assert.Equal(0x12, bytes[p++]); // field 2, bytes
        var body = ProtoWire.ReadLengthDelimited(bytes, ref p);
        Assert.Equal(Crc32C.Compute(body), crc);
    }

    [Fact]
    public void Unreadable_newest_snapshot_is_renamed_broken_and_the_previous_one_loads()
    {
        var store = new SnapshotStore(_temp.Sub("snap"));
        store.Save(Snapshot(1, 10));
        string newest = store.Save(Snapshot(1, 20));
        var bytes = File.ReadAllBytes(newest);
        bytes[^3] ^= 0xFF;
        File.WriteAllBytes(newest, bytes);
        var loaded = store.LoadNewest();
        Assert.Equal(10UL, loaded!.Index);
        Assert.True(File.Exists(newest + ".broken"));
        Assert.False(File.Exists(newest));
    }

    [Fact]
    public void Empty_store_loads_nothing_and_filter_skips_unmatched()
    {
        var store = new SnapshotStore(_temp.Sub("snap"));
        Assert.Null(store.LoadNewest());
        store.Save(Snapshot(1, 10));
        store.Save(Snapshot(1, 20));
        Assert.Equal(10UL, store.LoadNewest((term, index) => index == 10)!.Index);
    }

    [Fact]
    public void Purge_keeps_the_newest_max_snapshots()
    {
        var store = new SnapshotStore(_temp.Sub("snap"));
        for (ulong i = 1; i <= 8; i++)
            store.Save(Snapshot(1, i * 10));
        var deleted = store.Purge(5);
        Assert.Equal(3, deleted.Count);
        Assert.Equal(5, store.List().Count);
        Assert.Equal(80UL, store.LoadNewest()!.Index);
        Assert.EndsWith("0000000000000028.snap", store.List()[^1]); // 40: the oldest of the five kept
    }
}
