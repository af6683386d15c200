// WriteRange against Range: over random histories (puts, deletes, transactions, compactions,
// commits, values pending and committed) and random requests, the bytes WriteRange writes equal
// the serialized RangeResponse Range returns with the same header, and errors are the same.
using System.Buffers;
using System.Text;
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Kv;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class RangeWireEncodingTests
{
    private static readonly string[] Keys = ["a", "b", "ba", "c", "d", "e", "f", "g"];
    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);
    private static readonly ResponseHeaderFields Member = new(0xC1A5_7E12_0000_0001, 0x8E3B_E2A1_0000_0002, 7);

    private static readonly Gen<int[][]> Histories =
        from n in Gen.Choose(1, 40)
        from ops in Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 9999), 8), n)
        select ops;

    private static readonly Gen<int[][]> Requests = Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 9999), 12), 12);

    [Fact]
    public void Wire_bytes_equal_the_serialized_range_response() =>
        Prop.ForAll(Histories.ToArbitrary(), Requests.ToArbitrary(), (int[][] history, int[][] requests) =>
        {
            using var s = new TempStore();
            s.Leases.Leases.UnionWith([100, 200]);
            s.Kv.CompactionBatchLimit = 3;
            foreach (var c in history) Apply(s, c);
            var output = new ArrayBufferWriter<byte>();
            foreach (var c in requests)
            {
                var req = Request(c, s.Kv.CurrentRevision);
                output.ResetWrittenCount();
                CheckSame(s.Kv, req, output);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));

    [Fact]
    public void A_large_value_and_a_tiny_writer_segment_still_give_the_same_bytes()
    {
        using var s = new TempStore();
        var big = new byte[300_000];
        new Random(5).NextBytes(big);
        s.Kv.Put(new PutRequest { Key = B("big"), Value = ByteString.CopyFrom(big), });
        s.Kv.Put(new PutRequest { Key = B("bigger"), Value = ByteString.CopyFrom(big, 0, 200_000), });
        foreach (bool commit in new[] { false, true })
        {
            if (commit) s.Backend.Commit();
            var req = new RangeRequest { Key = B("b"), RangeEnd = B("c") };
            var output = new SmallSegmentWriter();
            s.Kv.WriteRange(req, Member, output);
            Assert.Equal(Expected(s.Kv, req), output.Written.ToArray());
        }
    }

    [Fact]
    public void Stored_values_in_another_valid_encoding_are_reencoded_like_the_parser_would()
    {
        using var s = new TempStore();
        s.Kv.Put(new PutRequest { Key = B("k1"), Value = B("v1") });
        s.Kv.Put(new PutRequest { Key = B("k2"), Value = B("v2") });
        s.Backend.Commit();
        // Rewrite k1's value with its fields out of order plus an explicit zero lease: valid
        // protobuf a different writer might produce, which must not be copied verbatim.
        var rev = new Revision(2, 0).ToKey();
        var odd = new byte[] { 0x18, 2, 0x10, 2, 0x0A, 2, (byte)'k', (byte)'1', 0x20, 1, 0x2A, 2, (byte)'v', (byte)'1', 0x30, 0 };
        s.Backend.Put(FastKv.Mvcc.Storage.BucketNames.Key, rev, odd);
        s.Backend.Commit();
        foreach (bool keysOnly in new[] { false, true })
        {
            var req = new RangeRequest { Key = B("k"), RangeEnd = B("l"), KeysOnly = keysOnly, MinModRevision = 2 };
            var output = new ArrayBufferWriter<byte>();
            s.Kv.WriteRange(req, Member, output);
            Assert.Equal(Expected(s.Kv, req), output.WrittenSpan.ToArray());
        }
    }

    private static byte[] Expected(KvStore kv, RangeRequest req)
    {
        var resp = kv.Range(req);
        resp.Header.ClusterId = Member.ClusterId;
        resp.Header.MemberId = Member.MemberId;
        resp.Header.RaftTerm = Member.RaftTerm;
        return resp.ToByteArray();
    }

    private static void CheckSame(KvStore kv, RangeRequest req, ArrayBufferWriter<byte> output)
    {
        byte[]? expected = null;
        EtcdException? expectedError = null;
        try { expected = Expected(kv, req); }
        catch (EtcdException e) { expectedError = e; }
        if (expectedError is not null)
        {
            var e = Assert.Throws<EtcdException>(() => kv.WriteRange(req, Member, output));
            Assert.Equal(expectedError.Message, e.Message);
            Assert.Equal(expectedError.Code, e.Code);
            Assert.Equal(0, output.WrittenCount);
            return;
        }
        kv.WriteRange(req, Member, output);
        Assert.True(expected!.AsSpan().SequenceEqual(output.WrittenSpan), $"request {req}: expected {Convert.ToHexString(expected!)} got {Convert.ToHexString(output.WrittenSpan)}");
    }

    private static string Value(int c) => (c % 6) switch
    {
        0 => "",
        1 => new string('x', 200),
        _ => "v" + c % 97,
    };

    private static void Apply(TempStore s, int[] c)
    {
        string key = Keys[c[1] % Keys.Length];
        string end = (c[2] % 3) switch { 0 => "", 1 => Keys[c[3] % Keys.Length], _ => "\0" };
        long lease = (c[4] % 4) switch { 0 => 100, 1 => 200, _ => 0 };
        try
        {
            switch (c[0] % 10)
            {
                case < 5:
                    s.Kv.Put(new PutRequest { Key = B(key), Value = B(Value(c[5])), Lease = lease });
                    break;
                case 5:
                    s.Kv.DeleteRange(new DeleteRangeRequest { Key = B(key), RangeEnd = B(end) });
                    break;
                case 6:
                    var t = new TxnRequest();
                    t.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B(key), Value = B(Value(c[5])) } });
                    t.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = B(key + "x"), Value = B(Value(c[6])), Lease = lease } });
                    s.Kv.Txn(t);
                    break;
                case 7:
                    if (s.Kv.CurrentRevision > 2) _ = s.Kv.Compact(1 + c[5] % (s.Kv.CurrentRevision - 1));
                    break;
                case 8:
                    s.Backend.Commit();
                    break;
                default:
                    s.Kv.CompactStep();
                    break;
            }
        }
        catch (EtcdException)
        {
            // A compaction at or below the last one; the history simply goes on.
        }
    }

    private static RangeRequest Request(int[] c, long current)
    {
        var r = new RangeRequest { Key = B(Keys[c[0] % Keys.Length]) };
        switch (c[1] % 4)
        {
            case 1: r.RangeEnd = B(Keys[c[2] % Keys.Length]); break;
            case 2: r.RangeEnd = B("\0"); break;
            case 3: r.RangeEnd = B(Keys[c[0] % Keys.Length][..1] + "\x7f"); break;
        }
        if (c[0] % 11 == 0) r.Key = B("\0");
        r.Limit = (c[3] % 5) switch { 0 => 0, 1 => 1, 2 => 2, 3 => -1, _ => 4 };
        if (c[4] % 3 == 0) r.Revision = c[4] % (current + 3);
        r.CountOnly = c[5] % 6 == 0;
        r.KeysOnly = c[5] % 4 == 1;
        if (c[6] % 3 == 0) r.SortOrder = (RangeRequest.Types.SortOrder)(c[6] % 3 == 0 ? c[7] % 3 : 0);
        if (c[7] % 4 == 0) r.SortTarget = (RangeRequest.Types.SortTarget)(c[8] % 5);
        if (c[8] % 4 == 0) r.MinModRevision = c[9] % (current + 1);
        if (c[9] % 4 == 0) r.MaxModRevision = c[10] % (current + 1);
        if (c[10] % 5 == 0) r.MinCreateRevision = c[11] % (current + 1);
        if (c[11] % 5 == 0) r.MaxCreateRevision = c[2] % (current + 1);
        if (c[2] % 50 == 0) r.Key = ByteString.Empty;
        return r;
    }

    // Hands out 7-byte spans at most, so every copy has to cross segment boundaries.
    private sealed class SmallSegmentWriter : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = new byte[16];

        public IReadOnlyList<byte> Written => _written;

        public void Advance(int count)
        {
            for (int i = 0; i < count; i++) _written.Add(_current[i]);
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _current = new byte[Math.Max(sizeHint, 7)];
            return _current.AsMemory(0, Math.Max(sizeHint, 7));
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
