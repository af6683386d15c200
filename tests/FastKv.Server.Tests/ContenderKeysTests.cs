// The names the lock and election recipes use: the prefix range holds exactly the keys that
// start with the prefix, and a contender's key ends in its lease ID as Go's %x prints it.
using FastKv.Server.Concurrency;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;

namespace FastKv.Server.Tests;

public sealed class ContenderKeysTests
{
    private static int CompareBytes(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    [Fact]
    public void The_prefix_range_holds_exactly_the_keys_that_start_with_the_prefix()
    {
        // Small alphabets around the edge bytes make shared prefixes and 0xff carries common.
        var bytes = Gen.Elements<byte>(0x00, 0x01, (byte)'/', 0x7f, 0xfe, 0xff);
        var strings = Gen.ArrayOf(bytes).Select(a => a.Take(6).ToArray());
        Prop.ForAll(strings.ToArbitrary(), strings.ToArbitrary(), (prefix, key) =>
        {
            var end = ContenderKeys.PrefixEnd(ByteString.CopyFrom(prefix)).ToByteArray();
            var unbounded = end.Length == 1 && end[0] == 0;
            var inRange = CompareBytes(key, prefix) >= 0 && (unbounded || CompareBytes(key, end) < 0);
            return inRange == key.AsSpan().StartsWith(prefix);
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void A_contenders_key_is_the_name_a_slash_and_the_lease_in_go_hex()
    {
        var prefix = ContenderKeys.Prefix(ByteString.CopyFromUtf8("my lock"));
        Assert.Equal("my lock/", prefix.ToStringUtf8());
        Assert.Equal("my lock/694d7a2f3e1c5b0a", ContenderKeys.Own(prefix, 0x694d7a2f3e1c5b0a).ToStringUtf8());
        Assert.Equal("my lock/0", ContenderKeys.Own(prefix, 0).ToStringUtf8());
        Assert.Equal("my lock/-1", ContenderKeys.Own(prefix, -1).ToStringUtf8());
        Assert.Equal("my lock/-8000000000000000", ContenderKeys.Own(prefix, long.MinValue).ToStringUtf8());
        Assert.Equal("/7", ContenderKeys.Own(ContenderKeys.Prefix(ByteString.Empty), 7).ToStringUtf8());
    }
}
