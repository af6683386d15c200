// The key bucket's values are written without building a protobuf message; they must be the
// bytes protobuf itself writes (etcd and other members parse and hash them), and the header
// reader used when rebuilding the index must read them back.
using FastKv.Api.Mvccpb;
using FastKv.Mvcc.Kv;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

public sealed class StoredKeyValueTests
{
    [Fact]
    public void Direct_serialization_matches_protobuf_and_reads_back()
    {
        var numbers = Gen.OneOf(Gen.Constant(0L), Gen.Choose(1, 300).Select(i => (long)i), Gen.Choose(0, int.MaxValue).Select(i => (long)i << 20), Gen.Constant(long.MaxValue), Gen.Constant(-1L));
        var bytes = Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));
        var gen = from key in bytes from value in bytes from c in numbers from m in numbers from v in numbers from l in numbers
                  select (key, value, c, m, v, l);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (key, value, c, m, v, l) = t;
            var expected = new KeyValue { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value), CreateRevision = c, ModRevision = m, Version = v, Lease = l }.ToByteArray();
            var actual = StoredKeyValue.Serialize(key, value, c, m, v, l);
            Assert.Equal(expected, actual);
            Assert.True(StoredKeyValue.TryReadHeader(actual, out var k, out long rc, out long rv, out long rl));
            Assert.Equal(key, k.ToArray());
            Assert.Equal((c, v, l), (rc, rv, rl));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void A_value_cut_inside_a_field_is_malformed()
    {
        var full = StoredKeyValue.Serialize("some-key"u8, "value"u8, 5, 6, 2, 9);
        // Cutting between fields leaves a valid, shorter message; anywhere else must be refused.
        int[] fieldEnds = [10, 12, 14, 16, 23, 25];
        for (int n = 1; n <= full.Length; n++)
            Assert.Equal(fieldEnds.Contains(n), StoredKeyValue.TryReadHeader(full.AsSpan(0, n), out _, out _, out _, out _));
        Assert.False(StoredKeyValue.TryReadHeader([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], out _, out _, out _, out _));
    }
}
