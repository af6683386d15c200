namespace FastKv.Wal.Tests;

[Collection(AllocationMeasurement.Name)]
public class WriterTests : IDisposable
{
    private static readonly byte[] Metadata = new MemberMetadata(0xABCDEF, 0x123456).Encode();
    private readonly TempDir _temp = new();
    private string Dir => _temp.Sub("wal");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Created_wal_reads_back_metadata_state_and_entries()
    {
        using (var wal = WriteAheadLog.Create(Dir, Metadata))
        {
            wal.Save(new HardState(1, 1, 0), WalTestData.Entries(1, 10));
            wal.Save(new HardState(1, 1, 10), []);
        }
        using var reopened = WriteAheadLog.Open(Dir, default, out var contents);
        Assert.Equal(Metadata, contents.Metadata);
        Assert.Equal(new HardState(1, 1, 10), contents.HardState);
        WalTestData.AssertEntries(contents.Entries, 1, 10);
        Assert.Equal(10UL, reopened.LastIndex);
        Assert.False(Directory.Exists(Dir + ".tmp"));
    }

    [Fact]
    public void Create_refuses_a_directory_that_already_holds_a_wal()
    {
        WriteAheadLog.Create(Dir, Metadata).Dispose();
        Assert.Throws<IOException>(() => WriteAheadLog.Create(Dir, Metadata));
        string other = _temp.Sub("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "keep.txt"), "x");
        var error = Assert.Throws<IOException>(() => WriteAheadLog.Create(other, Metadata));
        Assert.Contains("not empty", error.Message);
        Assert.True(File.Exists(Path.Combine(other, "keep.txt")));
    }

    [Fact]
    public void Opening_at_a_snapshot_skips_older_entries_and_needs_its_marker()
    {
        using (var wal = WriteAheadLog.Create(Dir, Metadata))
        {
            wal.Save(new HardState(1, 1, 5), WalTestData.Entries(1, 5));
            wal.SaveSnapshot(new WalSnapshot(5, 1));
            wal.Save(new HardState(1, 1, 8), WalTestData.Entries(6, 3));
        }
        var fromSnap = WalReader.ReadAll(Dir, new WalSnapshot(5, 1));
        WalTestData.AssertEntries(fromSnap.Entries, 6, 8);
        Assert.Throws<WalSnapshotNotFoundException>(() => WalReader.ReadAll(Dir, new WalSnapshot(7, 1)));
        Assert.Throws<WalSnapshotNotFoundException>(() => WalReader.ReadAll(Dir, new WalSnapshot(5, 2)));
    }

    [Fact]
    public void Rewritten_index_replaces_it_and_everything_after()
    {
        using (var wal = WriteAheadLog.Create(Dir, Metadata))
        {
            wal.Save(new HardState(1, 1, 0), WalTestData.Entries(1, 10, term: 1));
            wal.Save(new HardState(2, 2, 0), WalTestData.Entries(6, 2, term: 2));
        }
        var contents = WalReader.ReadAll(Dir);
        Assert.Equal(7, contents.Entries.Count);
        Assert.Equal(1UL, contents.Entries[4].Term);
        Assert.Equal(2UL, contents.Entries[5].Term);
        Assert.Equal(7UL, contents.Entries[^1].Index);
    }

    [Fact]
    public void Entry_gap_is_refused_with_file_and_offset()
    {
        using (var wal = WriteAheadLog.Create(Dir, Metadata))
        {
            wal.Save(new HardState(1, 1, 0), WalTestData.Entries(1, 3));
            wal.Save(new HardState(1, 1, 0), WalTestData.Entries(5, 1));
        }
        var error = Assert.Throws<WalCorruptException>(() => WalReader.ReadAll(Dir));
        Assert.EndsWith(".wal", error.File);
        Assert.True(error.Offset > 0);
    }

    [Fact]
    public void Sync_happens_when_entries_term_or_vote_change_but_not_for_commit_alone()
    {
        using var wal = WriteAheadLog.Create(Dir, Metadata);
        wal.Save(new HardState(1, 1, 0), WalTestData.Entries(1, 1));
        long syncs = wal.Statistics.Syncs;
        wal.Save(new HardState(1, 1, 1), []);
        Assert.Equal(syncs, wal.Statistics.Syncs);
        wal.Save(new HardState(2, 1, 1), []);
        Assert.Equal(syncs + 1, wal.Statistics.Syncs);
        wal.Save(new HardState(2, 3, 1), []);
        Assert.Equal(syncs + 2, wal.Statistics.Syncs);
        wal.Save(new HardState(2, 3, 1), WalTestData.Entries(2, 1));
        Assert.Equal(syncs + 3, wal.Statistics.Syncs);
    }

    [Fact]
    public void Segments_are_cut_at_the_size_limit_named_by_next_index_and_chained()
    {
        var options = new WalOptions { SegmentBytes = 64 * 1024 };
        using (var wal = WriteAheadLog.Create(Dir, Metadata, options))
        {
            for (ulong i = 1; i <= 3000; i += 10)
                wal.Save(new HardState(1, 1, i), WalTestData.Entries(i, 10, size: 100));
            Assert.True(wal.Statistics.Cuts >= 4);
        }
        var names = SegmentName.List(Dir);
        Assert.True(names.Count >= 5);
        for (int i = 0; i < names.Count; i++)
        {
            Assert.Equal((ulong)i, names[i].Sequence);
            if (i > 0)
                Assert.Equal(0UL, (names[i].FirstIndex - 1) % 10); // cut after a save of 10: next index starts a batch
        }
        Assert.Empty(Directory.GetFiles(Dir, "*.tmp"));
        var firstRecordTypes = new List<RecordType>();
        var seen = new HashSet<SegmentName>();
        WalReader.Scan(Dir, (type, _, segment, _) => { if (seen.Add(segment)) firstRecordTypes.Add(type); });
        Assert.All(firstRecordTypes, t => Assert.Equal(RecordType.Crc, t));
        using var reopened = WriteAheadLog.Open(Dir, default, out var contents, options);
        WalTestData.AssertEntries(contents.Entries, 1, 3000, size: 100);
        Assert.Equal(new HardState(1, 1, 2991), contents.HardState);
    }

    [Fact]
    public void Next_segment_is_preallocated_in_the_background_before_it_is_needed()
    {
        var options = new WalOptions { SegmentBytes = 4 * 1024 * 1024 };
        using var wal = WriteAheadLog.Create(Dir, Metadata, options);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        string[] spares = [];
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            spares = Directory.GetFiles(Dir, "*.tmp").Where(f => new FileInfo(f).Length == options.SegmentBytes).ToArray();
            if (spares.Length > 0)
                break;
            Thread.Sleep(10);
        }
        Assert.Single(spares);
        Assert.Single(SegmentName.List(Dir)); // nothing was cut yet: the spare exists ahead of need
        wal.Save(new HardState(1, 1, 0), WalTestData.Entries(1, 1100, size: 4000)); // > 4 MiB: forces a cut
        Assert.Equal(1, wal.Statistics.Cuts);
        Assert.Equal(0, wal.Statistics.PreallocationStalls);
        Assert.Equal(2, SegmentName.List(Dir).Count);
    }

    [Fact]
    public void A_batch_larger_than_the_unsynced_limit_is_synced_in_chunks_and_reads_back()
    {
        using (var wal = WriteAheadLog.Create(Dir, Metadata))
        {
            long before = wal.Statistics.Syncs;
            wal.Save(new HardState(1, 1, 0), WalTestData.Entries(1, 1500, size: 6000)); // ~9 MB in one save
            Assert.True(wal.Statistics.Syncs - before >= 3, "a crash may never leave more than 4 MiB unsynced");
        }
        WalTestData.AssertEntries(WalReader.ReadAll(Dir).Entries, 1, 1500, size: 6000);
    }

    [Fact]
    public void An_entry_above_the_record_limit_is_rejected_before_anything_is_written()
    {
        using var wal = WriteAheadLog.Create(Dir, Metadata);
        var huge = new RaftEntry(1, 1, new byte[WalScanner.MaxRecordBytes]);
        Assert.Throws<ArgumentException>(() => wal.Save(new HardState(1, 1, 0), [WalTestData.Entry(1), huge]));
        Assert.Equal(0UL, wal.LastIndex); // nothing of the refused batch was taken
        wal.Save(new HardState(1, 1, 0), WalTestData.Entries(1, 1));
        wal.Dispose();
        WalTestData.AssertEntries(WalReader.ReadAll(Dir).Entries, 1, 1);
    }

    [Fact]
    public void A_second_writer_is_locked_out_until_the_first_closes()
    {
        var wal = WriteAheadLog.Create(Dir, Metadata);
        Assert.Throws<WalLockedException>(() => WriteAheadLog.Open(Dir, default, out _));
        wal.Dispose();
        WriteAheadLog.Open(Dir, default, out _).Dispose();
    }

    [Fact]
    public void Released_segments_beyond_max_wals_are_purged_and_held_ones_kept()
    {
        var options = new WalOptions { SegmentBytes = 32 * 1024 };
        using var wal = WriteAheadLog.Create(Dir, Metadata, options);
        for (ulong i = 1; i <= 2000; i += 20)
            wal.Save(new HardState(1, 1, i), WalTestData.Entries(i, 20, size: 100));
        int before = SegmentName.List(Dir).Count;
        Assert.True(before >= 6);
        Assert.Empty(wal.Purge(2)); // everything still locked
        wal.SaveSnapshot(new WalSnapshot(1500, 1));
        wal.ReleaseLockTo(1500);
        var deleted = wal.Purge(2);
        var left = SegmentName.List(Dir);
        Assert.NotEmpty(deleted);
        Assert.All(left, n => Assert.Contains(n, wal.LockedSegments.Concat(left.TakeLast(2))));
        Assert.True(left[0].FirstIndex <= 1500);
        var fromSnapshot = WalReader.ReadAll(Dir, new WalSnapshot(1500, 1));
        WalTestData.AssertEntries(fromSnapshot.Entries, 1501, 2000, size: 100);
    }

    [Fact]
    public async Task Concurrent_proposals_share_syncs_and_all_arrive_in_order()
    {
        using (var wal = WriteAheadLog.Create(Dir, Metadata))
        {
            const int writers = 64, each = 25;
            var indexes = new System.Collections.Concurrent.ConcurrentBag<ulong>();
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < each; i++)
                    indexes.Add(await wal.ProposeAsync(1, WalTestData.Payload((ulong)w)));
            })).ToArray();
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(Enumerable.Range(1, writers * each).Select(i => (ulong)i), indexes.OrderBy(i => i));
            // How much they share depends on how many pool threads the machine gives the writers; the
            // deterministic check of sharing is the next test.
            Assert.True(wal.Statistics.Syncs < writers * each, $"{wal.Statistics.Syncs} syncs for {writers * each} proposals");
        }
        var contents = WalReader.ReadAll(Dir);
        Assert.Equal(64 * 25, contents.Entries.Count);
    }

    [Fact]
    public async Task Proposals_made_during_a_sync_share_the_next_one_and_complete_only_after_it()
    {
        using var syncStarted = new SemaphoreSlim(0);
        using var releaseSync = new ManualResetEventSlim(false);
        int syncs = 0;
        var options = new WalOptions
        {
            SyncCompleted = _ =>
            {
                if (Interlocked.Increment(ref syncs) == 1)
                {
                    syncStarted.Release();
                    releaseSync.Wait(TimeSpan.FromSeconds(30)); // hold the first flush "in fdatasync"
                }
            },
        };
        using var wal = WriteAheadLog.Create(Dir, Metadata, options);
        var first = Task.Run(async () => await wal.ProposeAsync(1, WalTestData.Payload(1)));
        Assert.True(await syncStarted.WaitAsync(TimeSpan.FromSeconds(30)));

        var riders = Enumerable.Range(0, 100).Select(i => wal.ProposeAsync(1, WalTestData.Payload((ulong)i)).AsTask()).ToArray();
        await Task.Delay(50);
        Assert.All(riders, r => Assert.False(r.IsCompleted, "a proposal completed before any sync covered it"));

        releaseSync.Set();
        Assert.Equal(1UL, await first.WaitAsync(TimeSpan.FromSeconds(30)));
        var indexes = await Task.WhenAll(riders).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(2, 100).Select(i => (ulong)i), indexes);
        Assert.Equal(2, Volatile.Read(ref syncs)); // the first proposal's sync, then one for all hundred
    }

    [Fact]
    public void Steady_state_save_with_sync_allocates_nothing()
    {
        using var wal = WriteAheadLog.Create(Dir, Metadata);
        var entries = new RaftEntry[1];
        var payload = WalTestData.Payload(1, 256);
        ulong index = 0;
        void Append()
        {
            index++;
            entries[0] = new RaftEntry(1, index, payload);
            wal.Save(new HardState(1, 1, index), entries);
        }
        for (int i = 0; i < 200; i++)
            Append();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
            Append();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
