// The etcd 3.4.23 data dir fixture: its WAL must read back completely, and re-encoding its records with
// FastKv's encoder must give back the very same bytes (so what FastKv writes is what etcd writes).
namespace FastKv.Wal.Tests;

public class EtcdFixtureTests : IDisposable
{
    private const ulong MemberId = 9900347263967225937;
    private const ulong ClusterId = 3506665820396267869;

    private readonly TempDir _temp = new();
    private readonly string _walDir;

    public EtcdFixtureTests() => _walDir = TestPaths.ExtractEtcdDataDir(_temp.Path);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fixture_wal_reads_back_metadata_state_and_every_entry_to_220()
    {
        var contents = WalReader.ReadAll(_walDir);
        Assert.Equal(ScanEnd.Clean, contents.Scan.End);
        var metadata = MemberMetadata.Decode(contents.Metadata);
        Assert.Equal(MemberId, metadata.NodeId);
        Assert.Equal(ClusterId, metadata.ClusterId);
        Assert.Equal(220, contents.Entries.Count);
        for (int i = 0; i < contents.Entries.Count; i++)
            Assert.Equal((ulong)i + 1, contents.Entries[i].Index);
        Assert.Equal(2UL, contents.Entries[^1].Term);
        Assert.Equal(2UL, contents.HardState.Term);
        Assert.Equal(220UL, contents.HardState.Commit);
        Assert.Equal(MemberId, contents.HardState.Vote);
        Assert.Contains(contents.Entries, e => e.Type == EntryType.ConfChange);
    }

    [Fact]
    public void Fixture_crc_chain_is_verified_record_by_record()
    {
        int records = 0;
        var result = WalReader.Scan(_walDir, (_, _, _, _) => records++);
        Assert.Equal(ScanEnd.Clean, result.End);
        Assert.Equal(records, result.RecordCount);
        Assert.True(records > 220);
        Assert.NotEqual(0u, result.Crc);
    }

    [Fact]
    public void Reencoding_the_fixture_reproduces_its_bytes_exactly()
    {
        var encoder = new RecordEncoder(0);
        var buffer = new WriteBuffer();
        var result = WalReader.Scan(_walDir, (type, data, _, _) =>
        {
            switch (type)
            {
                case RecordType.Crc: encoder.EncodeCrc(buffer); break;
                case RecordType.Metadata: encoder.EncodeMetadata(buffer, data); break;
                case RecordType.Entry: encoder.EncodeEntry(buffer, RaftEntry.Decode(data)); break;
                case RecordType.State: encoder.EncodeState(buffer, HardState.Decode(data)); break;
                case RecordType.Snapshot: encoder.EncodeSnapshot(buffer, WalSnapshot.Decode(data)); break;
            }
        });
        var file = WalTestData.ReadUnlocked(Path.Combine(_walDir, "0000000000000000-0000000000000000.wal"));
        Assert.Equal(result.ValidEnd, buffer.Length);
        Assert.True(file.AsSpan(0, buffer.Length).SequenceEqual(buffer.Written));
        Assert.Equal(result.Crc, encoder.Crc);
    }

    [Fact]
    public void Fixture_opens_for_append_and_continues_the_chain()
    {
        using (var wal = WriteAheadLog.Open(_walDir, default, out var contents))
        {
            Assert.Equal(220UL, wal.LastIndex);
            wal.Save(new HardState(2, MemberId, 221), [new RaftEntry(2, 221, "after-etcd"u8.ToArray())]);
        }
        var again = WalReader.ReadAll(_walDir);
        Assert.Equal(221, again.Entries.Count);
        Assert.Equal("after-etcd"u8.ToArray(), again.Entries[^1].Data.ToArray());
        Assert.Equal(221UL, again.HardState.Commit);
    }
}
