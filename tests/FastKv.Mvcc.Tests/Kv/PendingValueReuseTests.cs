// Pending values live in arenas that are reused after a batch commits; a reader that copies
// them after leaving the lock pins its arena. A pinned arena is not handed to the next batch,
// an unpinned one is (so steady-state writes allocate nothing), and readers racing a writer
// that commits every few writes never see a value from a later batch in place of the one they
// asked for: every value there is 300 copies of its own mod revision's low byte.
using System.Buffers;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Kv;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class PendingValueReuseTests
{
    [Fact]
    public void A_pinned_arena_is_not_reused_until_released_and_then_is()
    {
        var pending = new PendingWrites();
        var first = pending.Reserve(100);
        first.Span.Fill(1);
        pending.Add(new Revision(2, 0), false, first);
        var pin = pending.Pin();
        pending.Clear();
        var during = pending.Reserve(100);
        during.Span.Fill(2);
        Assert.False(first.Span.Overlaps(during.Span));
        Assert.All(first.ToArray(), b => Assert.Equal(1, b));
        pin.Release();
        pending.Clear();
        // Both arenas are free now: the next batch takes one of them and starts at its beginning.
        var after = pending.Reserve(100);
        Assert.True(after.Span.Overlaps(first.Span) || after.Span.Overlaps(during.Span));
    }

    [Fact]
    public async Task Readers_never_see_a_reused_arena_while_batches_commit()
    {
        using var s = new TempStore();
        var keys = Enumerable.Range(0, 16).Select(i => ByteString.CopyFromUtf8($"k{i:D2}")).ToArray();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        int checkedValues = 0;
        var writer = Task.Run(() =>
        {
            for (int n = 0; n < 200_000 && !stop.IsCancellationRequested; n++)
            {
                long rev = s.Kv.CurrentRevision + 1;
                s.Kv.ApplyPut(new PutRequest { Key = keys[n % keys.Length], Value = ByteString.CopyFrom(Enumerable.Repeat((byte)rev, 300).ToArray()) });
                if (n % 7 == 0) s.Backend.Commit();
            }
            stop.Cancel();
        });
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var output = new ArrayBufferWriter<byte>();
            var all = new RangeRequest { Key = ByteString.CopyFromUtf8("k"), RangeEnd = ByteString.CopyFromUtf8("l") };
            while (!stop.IsCancellationRequested)
            {
                IEnumerable<FastKv.Api.Mvccpb.KeyValue> kvs;
                if (r == 0) kvs = s.Kv.Range(all).Kvs;
                else
                {
                    output.ResetWrittenCount();
                    s.Kv.WriteRange(all, default, output);
                    kvs = RangeResponse.Parser.ParseFrom(output.WrittenSpan).Kvs;
                }
                foreach (var kv in kvs)
                {
                    Assert.Equal(300, kv.Value.Length);
                    foreach (byte b in kv.Value.Span) Assert.Equal((byte)kv.ModRevision, b);
                    Interlocked.Increment(ref checkedValues);
                }
            }
        })).ToArray();
        await Task.WhenAll([writer, .. readers]);
        Assert.True(checkedValues > 100, $"only {checkedValues} values checked");
    }
}
